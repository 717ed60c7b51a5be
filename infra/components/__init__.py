"""The building blocks of the datacenter program: typed Args, one ComponentResource each."""

from infra.components.cluster import Cluster, ClusterArgs
from infra.components.folders import ZoneFolders, ZoneFoldersArgs
from infra.components.segment import Segment, SegmentArgs
from infra.components.switch import Switch, SwitchArgs
from infra.components.taxonomy import TagCategorySpec, Taxonomy, TaxonomyArgs
from infra.components.workload import Workload, WorkloadArgs

__all__ = [
    "Cluster",
    "ClusterArgs",
    "Segment",
    "SegmentArgs",
    "Switch",
    "SwitchArgs",
    "TagCategorySpec",
    "Taxonomy",
    "TaxonomyArgs",
    "Workload",
    "WorkloadArgs",
    "ZoneFolders",
    "ZoneFoldersArgs",
]
