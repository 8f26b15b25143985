"""The default, network-free assessor; its rules live in `adapters/offline/rules/`."""

from adapters.offline.assessor import OfflineAssessor
from adapters.offline.second_opinion import SecondOpinionAssessor

__all__ = ["OfflineAssessor", "SecondOpinionAssessor"]
