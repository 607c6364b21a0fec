"""A tiny ONNX embedding graph in place of the exported MiniLM, so that tests of the export's
life (checksums, damage, making it again) run in milliseconds without torch.

`write_tiny_graph` has the signature of `mscqa.index.onnx_backend.write_onnx_graph`: one
Gather from a seeded random table per word piece, the same input and output names as the real
export. The vectors mean nothing, which is all these tests need: the files, not the answers'
quality.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

DIM = 32


def write_tiny_graph(model_dir: Path, path: Path) -> dict[str, Any]:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    vocab = int(json.loads((model_dir / "config.json").read_text())["vocab_size"])
    table = np.random.default_rng(7).standard_normal((vocab, DIM)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Gather", ["table", "input_ids"], ["last_hidden_state"], axis=0)],
        "tiny",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"])],
        [
            helper.make_tensor_value_info(
                "last_hidden_state", TensorProto.FLOAT, ["batch", "sequence", DIM]
            )
        ],
        initializer=[numpy_helper.from_array(table, "table")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 9  # one that every onnxruntime of the pinned range reads
    onnx.save(model, str(path))
    return {"dim": DIM, "max_seq_length": 128, "pooling": "mean", "normalize": True}


def use_tiny_graph() -> None:
    """Make every export in this process a tiny one (for a `mscqa` run in a subprocess)."""
    import mscqa.index.onnx_backend

    mscqa.index.onnx_backend.write_onnx_graph = write_tiny_graph  # type: ignore[assignment]


if __name__ == "__main__":
    # python tests/tiny_onnx.py ARGS...: `mscqa ARGS...` with tiny exports.
    use_tiny_graph()
    from mscqa.cli import main

    main(sys.argv[1:], prog_name="mscqa")
