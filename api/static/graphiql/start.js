// Starts GraphiQL against this server's /graphql; a file, not an inline script, so that the
// page's policy can forbid inline scripts. Send a token with the Headers tab:
// {"Authorization": "Bearer <token>"}.
ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, {
    fetcher: GraphiQL.createFetcher({ url: "/graphql" }),
    defaultEditorToolsVisibility: "headers",
  }),
);
