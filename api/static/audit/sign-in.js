// A demo link may carry the token in the fragment (never sent to the server): use it once.
// A file, not an inline script, so that the pages' policy can forbid inline scripts.
const given = location.hash.match(/^#token=([\w.-]+)$/);
if (given) {
  history.replaceState(null, "", location.pathname + location.search);
  document.getElementById("token").value = given[1];
  document.getElementById("sign-in").submit();
}
