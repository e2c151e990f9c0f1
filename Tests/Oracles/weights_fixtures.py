"""Writes checkpoint fixtures for ModelWeightsTests with torch itself, plus the expected values.

usage: weights_fixtures.py OUT_DIR MARKER_PATH

For every fixture NAME it writes OUT_DIR/NAME (the checkpoint) and, for loadable ones,
OUT_DIR/NAME.expected.json ([{key, shape, dtype}] in state_dict order) and OUT_DIR/NAME.expected.f32
(each tensor's values as contiguous float32 little-endian, concatenated in that order).
MARKER_PATH is the file the hostile pickles would create if anything executed them.
"""
import collections, io, json, os, pickle, struct, sys, zipfile

import numpy as np
import torch
import torchvision

out, marker = sys.argv[1], sys.argv[2]
torch.manual_seed(0)
DTYPES = {torch.float32: "float32", torch.float16: "float16", torch.bfloat16: "bfloat16", torch.float64: "float64",
          torch.int64: "int64", torch.int32: "int32", torch.uint8: "uint8", torch.bool: "bool"}


def expect(name, sd):
    meta = [{"key": k, "shape": list(t.shape), "dtype": DTYPES[t.dtype]} for k, t in sd.items()]
    with open(os.path.join(out, name + ".expected.json"), "w") as f:
        json.dump(meta, f)
    with open(os.path.join(out, name + ".expected.f32"), "wb") as f:
        for t in sd.values():
            f.write(t.float().contiguous().numpy().astype("<f4").tobytes())


def save_both(name, obj, sd):
    torch.save(obj, os.path.join(out, name + ".legacy.pth"), _use_new_zipfile_serialization=False)
    torch.save(obj, os.path.join(out, name + ".zip.pth"))
    expect(name + ".legacy.pth", sd)
    expect(name + ".zip.pth", sd)


# step 1: every dtype and layout torch can put in a state_dict
base = torch.randn(10)
tied = torch.randn(4)
mixed = collections.OrderedDict([
    ("f32", torch.randn(3, 4)),
    ("f16", torch.randn(5).half()),
    ("bf16", torch.randn(2, 3).bfloat16()),
    ("f64", torch.randn(4, 2).double()),
    ("i64", torch.tensor([1, -2, 3, 1 << 20])),
    ("i32", torch.tensor([[5, -6]], dtype=torch.int32)),
    ("u8", torch.tensor([0, 200, 255], dtype=torch.uint8)),
    ("flags", torch.tensor([True, False, True])),
    ("bn.num_batches_tracked", torch.tensor(7)),
    ("scalar", torch.tensor(3.5)),
    ("transposed", torch.randn(3, 5).t()),
    ("strided", torch.randn(4, 6)[:, ::2]),
    ("base", base),
    ("view_offset", base[2:5]),
    ("tied1", tied),
    ("tied2", tied),
    ("empty", torch.zeros(0, 3)),
])
assert not mixed["transposed"].is_contiguous() and mixed["view_offset"].storage_offset() == 2
save_both("mixed", mixed, mixed)
small = collections.OrderedDict([("w", torch.randn(2, 3)), ("b", torch.randn(3).half())])
save_both("wrapped_state_dict", {"state_dict": small, "epoch": 3}, small)
save_both("wrapped_model", {"model": small, "args": None}, small)

# step 2: a real model's state_dict (with _metadata and num_batches_tracked)
resnet = torchvision.models.resnet18().state_dict()
save_both("resnet18", resnet, resnet)

# step 3: hostile pickles: os.system would create the marker if executed
class Evil:
    def __reduce__(self):
        return (os.system, ("touch " + marker,))

torch.save({"w": torch.ones(2), "evil": Evil()}, os.path.join(out, "evil.legacy.pth"), _use_new_zipfile_serialization=False)
torch.save({"w": torch.ones(2), "evil": Evil()}, os.path.join(out, "evil.zip.pth"))

# step 4: TorchScript archive
torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), os.path.join(out, "script.pt"))

# step 5: safetensors written by hand (the safetensors package is not installed)
def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    codes = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64", torch.float64: "F64"}
    for k, t in tensors.items():
        raw = t.contiguous().reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""
        header[k] = {"dtype": codes[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))

st = collections.OrderedDict([("z.weight", torch.randn(4, 3)), ("a.half", torch.randn(6).half()),
                              ("m.bf16", torch.randn(2, 2).bfloat16()), ("n.count", torch.tensor(12)),
                              ("d.double", torch.randn(3).double()), ("s.scalar", torch.tensor(-1.25))])
write_safetensors(os.path.join(out, "tensors.safetensors"), st, {"format": "pt", "note": "caf\u00e9 \"quoted\""})
expect("tensors.safetensors", st)

# step 6: re-packed zips: deflated records, big-endian storages, zip64 records
def records(path):
    with zipfile.ZipFile(path) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]

src = os.path.join(out, "wrapped_state_dict.zip.pth")
with zipfile.ZipFile(os.path.join(out, "compressed.zip.pth"), "w", zipfile.ZIP_DEFLATED) as z:
    for name, data in records(src):
        z.writestr(name, data)

be = collections.OrderedDict([("w", torch.randn(3, 2)), ("d", torch.randn(2).double()), ("h", torch.randn(3).half())])
torch.save(be, os.path.join(out, "be_src.pth"))
# The storages' keys are 0, 1, 2 in state_dict order; rewrite each byte-swapped and say so.
recs = records(os.path.join(out, "be_src.pth"))
top = recs[0][0].split("/")[0]
with zipfile.ZipFile(os.path.join(out, "bigendian.zip.pth"), "w", zipfile.ZIP_STORED) as z:
    for name, data in recs:
        for key, t in zip(["0", "1", "2"], be.values()):
            if name == f"{top}/data/{key}":
                data = t.numpy().astype(t.numpy().dtype.newbyteorder(">")).tobytes()
        z.writestr(name, data)
    z.writestr(f"{top}/byteorder", b"big")
expect("bigendian.zip.pth", be)
os.remove(os.path.join(out, "be_src.pth"))

def write_zip64(path, entries):
    """Stored zip whose central directory uses zip64 extras for every size and offset, as big torch files do."""
    buf, central = io.BytesIO(), []
    for name, data in entries:
        offset, n = buf.tell(), name.encode()
        extra = struct.pack("<HHQQ", 1, 16, len(data), len(data))
        buf.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 0, 0, 0, zipfile.crc32(data), 0xFFFFFFFF, 0xFFFFFFFF, len(n), len(extra)) + n + extra + data)
        central.append((n, data, offset))
    cd_start = buf.tell()
    for n, data, offset in central:
        extra = struct.pack("<HHQQQ", 1, 24, len(data), len(data), offset)
        buf.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 0, 0, 0, zipfile.crc32(data), 0xFFFFFFFF, 0xFFFFFFFF,
                              len(n), len(extra), 0, 0, 0, 0, 0xFFFFFFFF) + n + extra)
    cd_end = buf.tell()
    buf.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, len(central), len(central), cd_end - cd_start, cd_start))
    buf.write(struct.pack("<IIQI", 0x07064B50, 0, cd_end, 1))
    buf.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0))
    with open(path, "wb") as f:
        f.write(buf.getvalue())

write_zip64(os.path.join(out, "zip64.zip.pth"), records(os.path.join(out, "mixed.zip.pth")))
expect("zip64.zip.pth", mixed)
# step 7: legacy files crafted field by field, to lie about sizes the way a hostile file would
class Storage:
    """Stands in for a storage; the pickler turns it into torch's persistent id."""
    def __init__(self, numel, key="0"):
        self.numel, self.key = numel, key

class Rebuild:
    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, size, stride, False, collections.OrderedDict())
    def __reduce__(self):
        return (torch._utils._rebuild_tensor_v2, self.args)

class CraftingPickler(pickle.Pickler):
    def persistent_id(self, obj):
        return ("storage", torch.FloatStorage, obj.key, "cpu", obj.numel, None) if isinstance(obj, Storage) else None

def craft_legacy(name, size, stride, numel, record_count=None, offset=0):
    values = np.arange(max(min(numel, 16), 0), dtype="<f4")
    with open(os.path.join(out, name), "wb") as f:
        pickle.dump(0x1950A86A20F9469CFC6C, f, protocol=2)
        pickle.dump(1001, f, protocol=2)
        pickle.dump({"protocol_version": 1001, "little_endian": True, "type_sizes": {"int": 4}}, f, protocol=2)
        CraftingPickler(f, protocol=2).dump({"w": Rebuild(Storage(numel), offset, size, stride)})
        pickle.dump(["0"], f, protocol=2)
        f.write(struct.pack("<q", numel if record_count is None else record_count) + values.tobytes())

craft_legacy("crafted_ok.legacy.pth", (2, 3), (1, 2), 6, offset=0)  # a transposed 2x3 view: proves the crafting
expect("crafted_ok.legacy.pth", {"w": torch.arange(6, dtype=torch.float32).as_strided((2, 3), (1, 2))})
craft_legacy("huge_numel.legacy.pth", (4,), (1,), 1 << 40)
craft_legacy("huge_sizes.legacy.pth", (1 << 62, 1 << 62), (1, 1), 4)
craft_legacy("broadcast.legacy.pth", (1 << 31,), (0,), 1)
craft_legacy("big_rank.legacy.pth", (1,) * 100, (1,) * 100, 1)
craft_legacy("record_count.legacy.pth", (4,), (1,), 4, record_count=1 << 40)
craft_legacy("past_storage.legacy.pth", (4,), (1,), 4, offset=1)

import hashlib
with open(os.path.join(out, "hashes.json"), "w") as f:
    json.dump({n: hashlib.sha256(open(os.path.join(out, n), "rb").read()).hexdigest() for n in ["resnet18.zip.pth", "tensors.safetensors"]}, f)
assert not os.path.exists(marker)
print("ok")
