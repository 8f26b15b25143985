"""The default, network-free assessor; its rules live in `adapters/offline/rules/`."""

from adapters.offline.assessor import OfflineAssessor

__all__ = ["OfflineAssessor"]
