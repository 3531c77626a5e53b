#!/usr/bin/python3
"""Imaging fixtures: real and generated files, and what their pixels must become, computed here independently
with numpy (and pydicom's own pixel handlers / apply_color_lut where noted), in double precision. Writes
OUTDIR/imaging.json and one float64 little-endian .bin per case. Usage: make_imaging_fixtures.py OUTDIR"""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pydicom
from pydicom.pixel_data_handlers.util import apply_color_lut
from pydicom.sequence import Sequence
from pydicom.dataset import Dataset
from pydicom.uid import ExplicitVRLittleEndian

TEST_FILES = "/usr/lib/python3/dist-packages/pydicom/data/test_files"
PALETTES = "/usr/lib/python3/dist-packages/pydicom/data/palettes"
out = os.path.abspath(sys.argv[1])
os.makedirs(out, exist_ok=True)
for tool in ["dcmdjpeg"]:
    if shutil.which(tool) is None:
        sys.exit(f"required oracle tool {tool} is missing (test.sh installs dcmtk)")
cases = []


def p(name):
    return os.path.join(out, name)


def add(name, file, frame, output, expected, tolerance):
    expected = np.asarray(expected, dtype="<f8").ravel()
    expected.tofile(p(name + ".values.bin"))
    cases.append(dict(name=name, file=os.path.basename(file), frame=frame, output=output,
                      expected=name + ".values.bin", count=int(expected.size), tolerance=tolerance))


def clone(ds):
    """A fresh copy of a dataset read from a file (deepcopy recurses too deep on pydicom 2.3)."""
    return pydicom.dcmread(ds.filename)


def save(ds, name):
    ds.file_meta.TransferSyntaxUID = ds.file_meta.get("TransferSyntaxUID", ExplicitVRLittleEndian)
    ds.save_as(p(name), write_like_original=False)
    return p(name)


def linear(x, c, w):
    """PS3.3 C.11.2.1.2.1 (LINEAR), output range [0, 1]."""
    y = ((x - (c - 0.5)) / (w - 1) + 0.5)
    y = np.where(x <= c - 0.5 - (w - 1) / 2, 0.0, y)
    return np.where(x > c - 0.5 + (w - 1) / 2, 1.0, y)


def linear_exact(x, c, w):
    y = (x - c) / w + 0.5
    y = np.where(x <= c - w / 2, 0.0, y)
    return np.where(x > c + w / 2, 1.0, y)


def sigmoid(x, c, w):
    return 1.0 / (1.0 + np.exp(-4.0 * (x - c) / w))


YBR = np.array([[0.2990, 0.5870, 0.1140], [-0.1687, -0.3313, 0.5000], [0.5000, -0.4187, -0.0813]])
YBR_INV = np.linalg.inv(YBR)


def ybr_to_rgb(a, bits=8):
    a = a.astype(np.float64).reshape(-1, 3)
    centred = a - np.array([0, 2 ** (bits - 1), 2 ** (bits - 1)])
    return np.clip(centred @ YBR_INV.T, 0, 2 ** bits - 1)


# CT: Hounsfield units and windows.
ct = pydicom.dcmread(f"{TEST_FILES}/CT_small.dcm")
stored = ct.pixel_array.astype(np.float64)
hu = stored * float(ct.RescaleSlope) + float(ct.RescaleIntercept)
f = save(clone(ct), "ct.dcm")
add("ct_stored", f, 0, "StoredValues", stored, 0)
add("ct_hu", f, 0, "ModalityValues", hu, 1e-3)
add("ct_minmax", f, 0, "Display", (hu - hu.min()) / (hu.max() - hu.min()), 1e-5)
for fn, func, name in [("LINEAR", linear, "linear"), ("LINEAR_EXACT", linear_exact, "exact"), ("SIGMOID", sigmoid, "sigmoid")]:
    ds = clone(ct)
    ds.WindowCenter, ds.WindowWidth, ds.VOILUTFunction = 40, 400, fn
    add(f"ct_window_{name}", save(ds, f"ct_{name}.dcm"), 0, "Display", func(hu, 40.0, 400.0), 1e-5)

# MR: its own window; MONOCHROME1 inverts.
mr = pydicom.dcmread(f"{TEST_FILES}/MR_small.dcm")
x = mr.pixel_array.astype(np.float64)
add("mr_window", save(clone(mr), "mr.dcm"), 0, "Display", linear(x, 600.0, 1600.0), 1e-5)
ds = clone(mr)
ds.PhotometricInterpretation = "MONOCHROME1"
add("mr_mono1", save(ds, "mr_mono1.dcm"), 0, "Display", 1.0 - linear(x, 600.0, 1600.0), 1e-5)

# Signed 12 bits stored in 16 with junk above the high bit (overlay-style bits set): masked, sign-extended.
ds = clone(mr)
v = np.clip(mr.pixel_array.astype(np.int32) - 1000, -2048, 2047)
raw = (v & 0x0FFF) | 0xA000
ds.PixelData = raw.astype("<u2").tobytes()
ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 12, 11, 1
add("signed12_junk", save(ds, "signed12.dcm"), 0, "StoredValues", v, 0)
# Unsigned 10 bits stored at bits 2..11 (High Bit 11): shifted down.
ds = clone(mr)
v = np.clip(mr.pixel_array.astype(np.int32), 0, 1023)
ds.PixelData = ((v << 2) | 0x3).astype("<u2").tobytes()
ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 10, 11, 0
add("unsigned10_hb11", save(ds, "unsigned10.dcm"), 0, "StoredValues", v, 0)

# Modality LUT Sequence and VOI LUT Sequence.
ds = clone(mr)
del ds.WindowCenter, ds.WindowWidth
lut = (np.arange(4096) // 3 + 7).astype(np.uint16)
item = Dataset()
item.LUTDescriptor = [4096, 0, 16]
item.ModalityLUTType = "US"
item.LUTData = lut.tobytes()
item["LUTData"].VR = "OW"
ds.ModalityLUTSequence = Sequence([item])
ds.PixelRepresentation = 0
raw = np.clip(mr.pixel_array.astype(np.int32), 0, 5000)
ds.PixelData = raw.astype("<u2").tobytes()
modality = lut[np.clip(raw, 0, 4095)].astype(np.float64)
add("modality_lut_seq", save(ds, "modlut.dcm"), 0, "ModalityValues", modality, 0)
ds2 = pydicom.dcmread(p("modlut.dcm"))
del ds2.ModalityLUTSequence
voi = (np.sqrt(np.arange(2048) / 2047.0) * 4095).astype(np.uint16)
item = Dataset()
item.LUTDescriptor = [2048, 100, 12]
item.LUTData = voi.tobytes()
item["LUTData"].VR = "OW"
ds2.VOILUTSequence = Sequence([item])
add("voi_lut_seq", save(ds2, "voilut.dcm"), 0, "Display", voi[np.clip(raw - 100, 0, 2047)] / 4095.0, 1e-6)

# Bits Allocated 1: a real SEG frame, and generated multi-frame with frames not byte aligned (5x7 = 35 bits).
seg = pydicom.dcmread(f"{TEST_FILES}/liver_1frame.dcm")
add("bits1_liver", save(clone(seg), "liver.dcm"), 0, "StoredValues", seg.pixel_array, 0)
rng = np.random.default_rng(7)
bits = rng.integers(0, 2, size=(3, 5, 7)).astype(np.uint8)
flat = bits.ravel()
packed = np.packbits(np.pad(flat, (0, (-flat.size) % 8)).reshape(-1, 8)[:, ::-1].ravel())
ds = clone(seg)
ds.Rows, ds.Columns, ds.NumberOfFrames = 5, 7, 3
ds.PixelData = packed.tobytes() + (b"\0" if len(packed) % 2 else b"")
f = save(ds, "bits1_3frames.dcm")
for k in range(3):
    add(f"bits1_frame{k}", f, k, "StoredValues", bits[k], 0)

# Bits Allocated 32: RT dose (unsigned) and generated signed.
dose = pydicom.dcmread(f"{TEST_FILES}/rtdose.dcm")
f = save(clone(dose), "rtdose.dcm")
for k in [0, 14]:
    add(f"bits32_rtdose_frame{k}", f, k, "StoredValues", dose.pixel_array[k], 0)
ds = clone(dose)
v = (rng.integers(-2 ** 31, 2 ** 31 - 1, size=(15, 10, 10))).astype("<i4")
ds.PixelData = v.tobytes()
ds.PixelRepresentation = 1
ds.RescaleSlope, ds.RescaleIntercept = 0.5, -3
f = save(ds, "signed32.dcm")
add("bits32_signed_frame3", f, 3, "StoredValues", v[3], 128)  # float32 output: 2^31 has a 256 ulp
add("bits32_signed_modality_frame3", f, 3, "ModalityValues", v[3].astype(np.float64) * 0.5 - 3, 256)  # float32 of |x| < 2^31: 1 ulp = 256

# Colour: planar configuration 1 (big endian file), YBR_FULL_422 uncompressed, YBR_FULL from JPEG.
rgb = pydicom.dcmread(f"{TEST_FILES}/ExplVR_BigEnd.dcm")
add("rgb_planar_bigendian", f"{TEST_FILES}/ExplVR_BigEnd.dcm", 0, "ModalityValues", rgb.pixel_array.astype(np.float64), 0)
shutil.copy(f"{TEST_FILES}/ExplVR_BigEnd.dcm", p("ExplVR_BigEnd.dcm"))
cases[-1]["file"] = "ExplVR_BigEnd.dcm"
add("rgb_planar_display", p("ExplVR_BigEnd.dcm"), 0, "Display", rgb.pixel_array.astype(np.float64) / 255.0, 1e-6)
y422 = pydicom.dcmread(f"{TEST_FILES}/SC_ybr_full_422_uncompressed.dcm")
raw = np.frombuffer(y422.PixelData, dtype=np.uint8).reshape(-1, 4)  # Y1 Y2 Cb Cr, independent of pydicom's handler
ybr = np.stack([np.stack([raw[:, 0], raw[:, 2], raw[:, 3]], 1), np.stack([raw[:, 1], raw[:, 2], raw[:, 3]], 1)], 1).reshape(-1, 3)
shutil.copy(f"{TEST_FILES}/SC_ybr_full_422_uncompressed.dcm", p("ybr422.dcm"))
add("ybr422_stored", p("ybr422.dcm"), 0, "StoredValues", ybr, 0)
add("ybr422_rgb", p("ybr422.dcm"), 0, "ModalityValues", ybr_to_rgb(ybr), 1e-3)
shutil.copy(f"{TEST_FILES}/SC_rgb_jpeg_dcmtk.dcm", p("jpeg_ybr.dcm"))
subprocess.run(["dcmdjpeg", "+cn", p("jpeg_ybr.dcm"), p("jpeg_ybr_raw.dcm")], check=True)
dec = pydicom.dcmread(p("jpeg_ybr_raw.dcm"))
ybr = np.frombuffer(dec.PixelData, dtype=np.uint8)
if dec.get("PlanarConfiguration", 0) == 1:
    ybr = ybr.reshape(3, -1).T
add("jpeg_ybr_full_rgb", p("jpeg_ybr.dcm"), 0, "ModalityValues", ybr_to_rgb(ybr), 1e-3)
# dcmtk's own YCbCr->RGB (IJG integer tables) agrees within one level.
subprocess.run(["dcmdjpeg", "+ca", p("jpeg_ybr.dcm"), p("jpeg_ybr_rgb.dcm")], check=True)
dec = pydicom.dcmread(p("jpeg_ybr_rgb.dcm"))
conv = np.frombuffer(dec.PixelData, dtype=np.uint8)
if dec.get("PlanarConfiguration", 0) == 1:
    conv = conv.reshape(3, -1).T
add("jpeg_ybr_full_vs_dcmtk_rgb", p("jpeg_ybr.dcm"), 0, "ModalityValues", conv, 1.0)

# PALETTE COLOR: 8-bit grey indices through pydicom's palettes (pydicom's apply_color_lut is the oracle),
# and a generated 16-bit palette with a non-zero first mapped value.
grey = pydicom.dcmread(f"{TEST_FILES}/CT_small.dcm")
idx = (np.clip(grey.pixel_array.astype(np.int32) // 8, 0, 255)).astype(np.uint8)
for pal in ["hotiron.dcm", "pet.dcm", "spring.dcm"]:
    pds = pydicom.dcmread(f"{PALETTES}/{pal}")
    ds = clone(grey)
    ds.PhotometricInterpretation = "PALETTE COLOR"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    for k in ["RescaleSlope", "RescaleIntercept"]:
        if k in ds:
            delattr(ds, k)
    ds.PixelData = idx.tobytes()
    for elem in pds:
        if elem.tag.group == 0x0028 and 0x1100 <= elem.tag.element <= 0x1223:
            ds[elem.tag] = elem
    f = save(ds, f"palette_{pal}")
    segmented = "SegmentedRedPaletteColorLookupTableData" in ds and "RedPaletteColorLookupTableData" not in ds
    expected = apply_color_lut(idx, ds).astype(np.float64)  # pydicom expands segmented LUTs itself
    add(f"palette_{pal[:-4]}{'_segmented' if segmented else ''}", f, 0, "ModalityValues", expected, 0)
ds = clone(grey)
ds.PhotometricInterpretation = "PALETTE COLOR"
ds.SamplesPerPixel = 1
for k in ["RescaleSlope", "RescaleIntercept"]:
    if k in ds:
        delattr(ds, k)
ds.PixelRepresentation = 0
raw = np.clip(grey.pixel_array.astype(np.int32), 0, 4000).astype(np.uint16)
ds.PixelData = raw.astype("<u2").tobytes()
tables = []
for i, (tag_d, tag_data) in enumerate([((0x0028, 0x1101), (0x0028, 0x1201)), ((0x0028, 0x1102), (0x0028, 0x1202)), ((0x0028, 0x1103), (0x0028, 0x1203))]):
    t = ((np.arange(1024) * (i + 1) * 37) % 65536).astype("<u2")
    tables.append(t)
    ds.add_new(tag_d, "US", [1024, 500, 16])
    ds.add_new(tag_data, "OW", t.tobytes())
expected = np.stack([t[np.clip(raw.astype(np.int32) - 500, 0, 1023)] for t in tables], -1).astype(np.float64)
f = save(ds, "palette16.dcm")
add("palette16_first500", f, 0, "ModalityValues", expected, 0)
add("palette16_display", f, 0, "Display", expected / 65535.0, 1e-6)

# Big endian files: 16-bit, 32-bit multi-frame and 1-bit (pydicom's numpy handler is the oracle).
for fname, frame in [("MR_small_bigendian.dcm", 0), ("rtdose_expb.dcm", 7), ("liver_expb_1frame.dcm", 0)]:
    shutil.copy(f"{TEST_FILES}/{fname}", p(fname))
    arr = pydicom.dcmread(p(fname)).pixel_array
    if arr.ndim == 3:
        arr = arr[frame]
    add("bigendian_" + fname[:-4], p(fname), frame, "StoredValues", arr, 0)

# Native multi-frame with an odd frame size (3x3 bytes): frames follow each other with no padding.
ds = clone(mr)
odd = rng.integers(0, 256, size=(3, 3, 3)).astype(np.uint8)
ds.Rows, ds.Columns, ds.NumberOfFrames = 3, 3, 3
ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
del ds.WindowCenter, ds.WindowWidth
ds.PixelData = odd.tobytes() + b"\0"
odd_file = save(ds, "odd_frames.dcm")
for k in range(3):
    add(f"odd_frame{k}", odd_file, k, "StoredValues", odd[k], 0)

# A larger multi-frame file (96 frames of 256x256x16 bits, 12 MiB) native and RLE, for the bounded-memory test.
ds = clone(mr)
frames = (rng.integers(0, 4096, size=(96, 1, 1)) + np.arange(256 * 256).reshape(1, 256, 256) % 97).astype("<i2")
ds.Rows, ds.Columns, ds.NumberOfFrames = 256, 256, 96
ds.PixelData = frames.tobytes()
save(ds, "big_native.dcm")
subprocess.run(["dcmcrle", p("big_native.dcm"), p("big_rle.dcm")], check=True)
np.asarray(frames[[0, 50, 95]], dtype="<i2").tofile(p("big_frames_0_50_95.bin"))

# The same odd-sized 8-bit frames in Explicit VR Big Endian as OW: each 16-bit word holds two samples, so the
# stored bytes are the little-endian bytes swapped in pairs; frame 1 starts in the middle of a word.
ds = pydicom.dcmread(odd_file)
le = odd.tobytes() + b"\0"
ds.PixelData = bytes(b for i in range(0, len(le), 2) for b in (le[i + 1], le[i]))
ds["PixelData"].VR = "OW"
ds.file_meta.TransferSyntaxUID = pydicom.uid.ExplicitVRBigEndian
ds.is_little_endian, ds.is_implicit_VR = False, False
ds.save_as(p("odd_frames_be_ow.dcm"), write_like_original=False)
for k in range(3):
    add(f"odd_frame{k}_bigendian_ow", p("odd_frames_be_ow.dcm"), k, "StoredValues", odd[k], 0)

with open(p("imaging.json"), "w") as fh:
    json.dump(cases, fh, indent=1)
print(f"{len(cases)} cases")
