"""One peer engine's images/s for one model at several batch sizes, timed like `batchvision bench`.

Usage: bench_models_peer.py ENGINE MODEL BATCHES SECONDS THREADS ONNX_DIR [LITE0_PORT [CALIBRATION_DIR]]
  ENGINE   torch-eager | torch-channels_last   (Debian's /usr/bin/python3, torch 1.13.1), fp32
           torch-bf16                         the same, channels_last under torch.autocast("cpu", bfloat16)
           onnxruntime | openvino             (the .venv-bench Python), fp32; OpenVINO with INFERENCE_PRECISION_HINT f32
           openvino-bf16                      OpenVINO with INFERENCE_PRECISION_HINT bf16
           openvino-int8                      ONNX_DIR/MODEL.onnx quantized by NNCF (nncf.quantize, its defaults:
                                              symmetric s8 weights per channel, 300-sample subset cap; model_type
                                              TRANSFORMER for ViT, Swin and MaxViT, as NNCF's docs ask) on the
                                              CALIBRATION_DIR tensors, run with INFERENCE_PRECISION_HINT bf16
                                              where the CPU has avx512_bf16 or AMX (its default there), else f32
           onnxruntime-int8                   quantize_static: QDQ, per-channel s8 weights, u8 activations, MinMax
                                              calibration on the same tensors
           export                             (writes ONNX_DIR/MODEL.onnx with Debian's torch, then exits)
  MODEL    a torchvision model name (resnet152, resnext50_32x4d, ...) | efficientnet_lite0 (the port, from LITE0_PORT)
  BATCHES  comma-separated batch sizes
  CALIBRATION_DIR  `batchvision preprocess` output: one raw float32 (3, 224, 224) file per calibration photo
The quantized models are cached next to the ONNX file (MODEL.nncf-int8.xml, MODEL.qdq-int8.onnx).
Prints one JSON line per batch size, with the precision the engine was asked for ("fp32", "bf16" or "int8"); OpenVINO's
version string also counts the layers of its compiled model by the precision they really run in. Timing (as `batchvision bench`): 2 warm-up calls, then calls until SECONDS
have passed and at least 3 were made; images/s at the median call. Input: random normal (N, 3, 224, 224) float32.
`others_cores` is how many cores' worth of CPU other processes used while timing (from /proc/stat): on a shared
2-core machine, a number above ~0.2 means the result is disturbed.
"""
import json
import os
import statistics
import sys
import time

import numpy as np


def cpu_jiffies():
    """(busy jiffies of the machine, total jiffies, this process's jiffies)."""
    with open("/proc/stat") as f:
        v = list(map(int, f.readline().split()[1:9]))
    busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7]
    with open("/proc/self/stat") as f:
        s = f.read()
    fields = s[s.rindex(")") + 2:].split()
    return busy, busy + v[3] + v[4], int(fields[11]) + int(fields[12])


def time_calls(fn, seconds):
    fn()
    fn()
    times = []
    b0, t0, o0 = cpu_jiffies()
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(times) < 3:
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    b1, t1, o1 = cpu_jiffies()
    others = (os.cpu_count() or 1) * max(0, (b1 - b0) - (o1 - o0)) / max(1, t1 - t0)
    return statistics.median(times), min(times), len(times), others


def torch_model(name, port):
    import torch

    if name != "efficientnet_lite0":  # every other catalog model is torchvision's, by the same name
        import torchvision

        return torchvision.models.get_model(name, weights=None).eval()
    sys.path.insert(0, port)
    from efficientnet_lite_pytorch import EfficientNet

    return EfficientNet.from_name("efficientnet-lite0").eval()


def export(name, onnx_dir, port):
    import torch

    os.makedirs(onnx_dir, exist_ok=True)
    # torchvision 0.14's Swin calls F.dropout(attn, p=0.0) with its default training=True, which exports a training
    # Dropout that OpenVINO refuses to read: at p=0 it is the identity, so trace it as one.
    dropout = torch.nn.functional.dropout
    torch.nn.functional.dropout = lambda x, p=0.5, training=True, inplace=False: x if p == 0 else dropout(x, p, training, inplace)
    # Traced with gradients on: under no_grad, torch 1.13's nn.MultiheadAttention (ViT) takes its fused fast
    # path, aten::_native_multi_head_attention, which has no ONNX export.
    torch.onnx.export(
        torch_model(name, port), torch.randn(1, 3, 224, 224), f"{onnx_dir}/{name}.onnx", input_names=["input"],
        output_names=["logits"], opset_version=17, dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
        do_constant_folding=True)


def calibration_inputs(folder):
    """The calibration photos as `batchvision preprocess` wrote them, each a (1, 3, 224, 224) float32 array."""
    files = sorted(f for f in os.listdir(folder) if f.endswith(".f32"))
    if not files:
        raise SystemExit(f"no calibration tensors in {folder}: scripts/bench-models writes them with --precision int8")
    return [np.fromfile(os.path.join(folder, f), "<f4").reshape(1, 3, 224, 224) for f in files]


def nncf_int8(core, name, onnx_dir, calibration_dir):
    """OpenVINO's int8 model as its docs make one: NNCF post-training quantization of the float model."""
    import openvino as ov

    path = f"{onnx_dir}/{name}.nncf-int8.xml"
    if not os.path.exists(path):
        import nncf

        samples = calibration_inputs(calibration_dir)
        # NNCF's docs ask for model_type TRANSFORMER on transformers (it then keeps the ops it would spoil in float)
        transformer = name.startswith(("vit_", "swin_", "maxvit_"))
        quantized = nncf.quantize(core.read_model(f"{onnx_dir}/{name}.onnx"), nncf.Dataset(samples),
                                  subset_size=len(samples),
                                  model_type=nncf.ModelType.TRANSFORMER if transformer else None)
        ov.save_model(quantized, path)
    return core.read_model(path)


def qdq_int8(name, onnx_dir, calibration_dir):
    """ONNX Runtime's static int8 model, as its docs recommend for CNNs on x86: QDQ, per-channel weights."""
    path = f"{onnx_dir}/{name}.qdq-int8.onnx"
    if not os.path.exists(path):
        from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
        from onnxruntime.quantization.shape_inference import quant_pre_process

        class Photos(CalibrationDataReader):
            def __init__(self):
                self.samples = iter(calibration_inputs(calibration_dir))

            def get_next(self):
                x = next(self.samples, None)
                return None if x is None else {"input": x}

        prepared = f"{onnx_dir}/{name}.qdq-prepared.onnx"
        quant_pre_process(f"{onnx_dir}/{name}.onnx", prepared)
        quantize_static(prepared, path, Photos(), quant_format=QuantFormat.QDQ, per_channel=True,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)
        os.remove(prepared)
    return path


def runner(engine, name, batch, threads, onnx_dir, port, calibration_dir):
    """A no-argument function running one batch, and the engine's version string."""
    x = np.random.default_rng(0).standard_normal((batch, 3, 224, 224), dtype=np.float32)
    if engine.startswith("torch"):
        import torch

        torch.set_num_threads(threads)
        model, tx = torch_model(name, port), torch.from_numpy(x)
        if engine in ("torch-channels_last", "torch-bf16"):
            model, tx = model.to(memory_format=torch.channels_last), tx.contiguous(memory_format=torch.channels_last)
        # bf16 as PyTorch's docs recommend for CPU inference: autocast (weights stay f32, cast per op).
        autocast = torch.autocast("cpu", dtype=torch.bfloat16, enabled=engine == "torch-bf16")

        def run():
            with torch.inference_mode(), autocast:
                model(tx)
        return run, f"torch {torch.__version__}" + (" bf16 autocast" if engine == "torch-bf16" else "")
    if engine in ("onnxruntime", "onnxruntime-int8"):
        import onnxruntime as ort

        so = ort.SessionOptions()
        so.intra_op_num_threads, so.inter_op_num_threads = threads, 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        path = qdq_int8(name, onnx_dir, calibration_dir) if engine == "onnxruntime-int8" else f"{onnx_dir}/{name}.onnx"
        session = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
        return (lambda: session.run(None, {"input": x})), f"onnxruntime {ort.__version__}" + (
            " QDQ int8" if engine == "onnxruntime-int8" else "")
    if engine in ("openvino", "openvino-bf16", "openvino-int8"):
        import openvino as ov

        core = ov.Core()
        if engine == "openvino-int8":
            model = nncf_int8(core, name, onnx_dir, calibration_dir)
        else:
            model = core.read_model(f"{onnx_dir}/{name}.onnx")
        model.reshape({model.inputs[0].any_name: [batch, 3, 224, 224]})
        # explicit: OpenVINO's default is bf16 where the CPU has it natively, which int8 also gets there for the layers
        # NNCF left in float (as ours runs what int8 leaves in float, when only weightless steps are left)
        native_bf16 = any(flag in open("/proc/cpuinfo").read() for flag in ("avx512_bf16", "amx_bf16"))
        hint = "bf16" if engine == "openvino-bf16" or (engine == "openvino-int8" and native_bf16) else "f32"
        config = {"INFERENCE_NUM_THREADS": threads, "INFERENCE_PRECISION_HINT": hint, "PERFORMANCE_HINT": "LATENCY",
                  "NUM_STREAMS": 1}
        compiled = core.compile_model(model, "CPU", config)
        request = compiled.create_infer_request()
        return (lambda: request.infer({0: x})), f"openvino {ov.__version__.split('-')[0]} {hint} ({runtime_precisions(compiled)})"
    raise SystemExit(f"unknown engine {engine}")


def runtime_precisions(compiled):
    """ "conv/fc bf16 ×54": what OpenVINO's compiled convolutions and matmuls really run in."""
    counts = {}
    for op in compiled.get_runtime_model().get_ordered_ops():
        info = op.get_rt_info()
        if info["layerType"].astype(str) in ("Convolution", "FullyConnected", "MatMul", "GroupConvolution"):
            precision = info["runtimePrecision"].astype(str)
            counts[precision] = counts.get(precision, 0) + 1
    return "conv/fc " + ", ".join(f"{p} ×{n}" for p, n in sorted(counts.items(), key=lambda kv: -kv[1]))


PRECISION = {"torch-bf16": "bf16", "openvino-bf16": "bf16", "openvino-int8": "int8", "onnxruntime-int8": "int8"}


def main(engine, name, batches, seconds, threads, onnx_dir, port="", calibration_dir=""):
    if engine == "export":
        return export(name, onnx_dir, port)
    # Only the JSON lines go to stdout: whatever else writes there (NNCF's progress bars) goes to stderr.
    results = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    for batch in map(int, batches.split(",")):
        run, version = runner(engine, name, batch, int(threads), onnx_dir, port, calibration_dir)
        median, best, calls, others = time_calls(run, float(seconds))
        print(json.dumps({
            "engine": engine, "precision": PRECISION.get(engine, "fp32"), "version": version, "model": name,
            "batch_size": batch, "threads": int(threads),
            "images_per_s": batch / median, "images_per_s_best": batch / best, "batches": calls,
            "others_cores": round(others, 2)}), file=results, flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
