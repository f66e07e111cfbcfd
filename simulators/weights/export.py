"""Export a compiled network: weights in safetensors + a small JSON config (docs/compiler.md).

The files are self-contained: ``docs/compiler.md`` ("Running an export without this project")
gives a plain-torch loop of a few dozen lines that loads them and runs the AP-MDM transition
``g`` -- it imports nothing from this project (a test extracts that loop and runs it).

Tensor names: ``emb.{tok,pos}_{dims,kinds,ts,preds}`` (embedding columns: the id, its square
``(v - t)^2``, an indicator ``[v == t]`` or a comparison ``[t pred v]``), ``emb.noise_dims``;
``L{i}.h{j}.{q_dims,wq,bq,k_dims,wk,bk,v_dims,wv,bv,sink_k,sink_v}`` for head j of attention
sublayer i; ``L{i}.m{j}.{in_dims,w_in,b_in,out_dims,w_out}`` for ReLU level j of MLP sublayer i;
``out.{name}.{dims,coef}`` for the output heads.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch

from simulators.errors import UsageError
from simulators.weights.compiler import CompiledNetwork
from simulators.weights.network import Attention, MLPLevel
from simulators.weights.sizes import weights_network_block


def export_network(net: CompiledNetwork, out: str | Path, *, process: dict[str, Any]) -> dict:
    """Write ``out.safetensors`` and ``out.json``; ``process`` describes how to run it (kind,
    initial canvas, mask id, output names, step limit). Returns the config."""
    try:
        from safetensors.torch import save_file
    except ImportError:
        raise UsageError("export needs the 'safetensors' package (pip install safetensors; "
                         "it is in the 'learn' extra)") from None
    tensors: dict[str, torch.Tensor] = {}
    emb = net.embedding
    for key in ("tok_dims", "tok_kinds", "tok_ts", "tok_preds", "pos_dims", "pos_kinds",
                "pos_ts", "pos_preds", "noise_dims"):
        tensors[f"emb.{key}"] = getattr(emb, key)
    layers: list[dict[str, Any]] = []
    for i, (kind, mods) in enumerate(net.stack):
        if kind == "attn":
            heads = []
            for j, h in enumerate(mods):
                assert isinstance(h, Attention)
                for key in ("q_dims", "wq", "bq", "k_dims", "wk", "bk", "v_dims", "wv", "bv",
                            "sink_k", "sink_v"):
                    tensors[f"L{i}.h{j}.{key}"] = getattr(h, key)
                heads.append({"name": h.name, "out": h.out})
            layers.append({"kind": "attn", "heads": heads})
        else:
            for j, lv in enumerate(mods):
                assert isinstance(lv, MLPLevel)
                for key in ("in_dims", "w_in", "b_in", "out_dims", "w_out"):
                    tensors[f"L{i}.m{j}.{key}"] = getattr(lv, key)
            layers.append({"kind": "mlp", "levels": len(mods)})
    outputs = {}
    for name, v in net.readouts.items():
        tensors[f"out.{name}.dims"] = torch.as_tensor(v.dims, dtype=torch.long)
        tensors[f"out.{name}.coef"] = torch.as_tensor([c for _, c in v.terms],
                                                      dtype=torch.float64)
        outputs[name] = v.const
    config = {"d_model": len(net.residual_names), "max_length": net.max_length,
              "dtype": str(net.dtype).replace("torch.", ""), "gap": net.gap,
              "layers": layers, "outputs": outputs,
              "noise": [[int(s.lo), int(s.hi)] for s in net.random_sources],
              "size": weights_network_block(net), "process": process}
    out = Path(out)
    save_file({k: v.detach().contiguous().cpu() for k, v in tensors.items()},
              str(out.with_suffix(".safetensors")))
    out.with_suffix(".json").write_text(json.dumps(config, indent=1) + "\n")
    return config
