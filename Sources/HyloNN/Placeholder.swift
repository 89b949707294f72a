import HyloCore
