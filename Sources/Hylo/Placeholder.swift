import HyloNN
