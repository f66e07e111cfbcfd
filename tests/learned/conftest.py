"""Learned-policy tests run torch single-threaded: the tiny models gain nothing from threads,
and on a shared, loaded 2-core machine OpenMP thread spinning made them several times slower."""

import torch

torch.set_num_threads(1)
