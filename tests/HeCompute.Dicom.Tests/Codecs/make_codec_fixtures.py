#!/usr/bin/python3
"""Codec fixtures from oracles no one here wrote: dcmtk and gdcm transcode real files (pydicom's test files) into
every transfer syntax, and dcmtk/gdcm/pydicom decode them again. For each compressed file we write the oracle's
decoded pixels (native little-endian, interleaved samples) and the encoded frames (split by pydicom), and a
manifest.json the C# tests read. Usage: make_codec_fixtures.py OUTDIR. Exits non-zero if a tool is missing."""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pydicom
from pydicom.encaps import generate_pixel_data_frame
from pydicom.uid import ExplicitVRLittleEndian

TOOLS = ["dcmconv", "dcmcrle", "dcmdrle", "dcmcjpeg", "dcmdjpeg", "dcmcjpls", "dcmdjpls", "gdcmconv"]
TEST_FILES = "/usr/lib/python3/dist-packages/pydicom/data/test_files"

out = os.path.abspath(sys.argv[1])
os.makedirs(out, exist_ok=True)
for tool in TOOLS:
    if shutil.which(tool) is None:
        sys.exit(f"required oracle tool {tool} is missing (test.sh installs dcmtk and libgdcm-tools)")


def run(*args):
    r = subprocess.run(list(args), capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({r.returncode}): {r.stdout} {r.stderr}")


def path(name):
    return os.path.join(out, name)


def native_bytes(ds):
    """Uncompressed PixelData of ds as interleaved little-endian samples, frame after frame (bits allocated >= 8)."""
    ba = ds.BitsAllocated
    spp = ds.SamplesPerPixel
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    dtype = {8: "u1", 16: "<u2", 32: "<u4"}[ba]
    n = frames * ds.Rows * ds.Columns * spp
    raw = ds.PixelData
    if ds.file_meta.TransferSyntaxUID.is_little_endian is False:
        dtype = dtype.replace("<", ">")
    arr = np.frombuffer(raw, dtype=dtype, count=n)
    if spp > 1 and ds.get("PlanarConfiguration", 0) == 1:
        arr = arr.reshape(frames, spp, ds.Rows * ds.Columns).transpose(0, 2, 1)
    return np.ascontiguousarray(arr).astype(dtype.replace(">", "<")).tobytes()


def prepare_sources():
    """Uncompressed explicit-VR-little-endian sources of several kinds."""
    src = {}
    run("dcmconv", "+te", f"{TEST_FILES}/CT_small.dcm", path("src_ct16.dcm"))
    src["ct16"] = path("src_ct16.dcm")
    run("dcmconv", "+te", f"{TEST_FILES}/MR_small.dcm", path("src_mr16.dcm"))
    src["mr16"] = path("src_mr16.dcm")
    run("dcmconv", "+te", f"{TEST_FILES}/image_dfl.dcm", path("src_gray8.dcm"))
    src["gray8"] = path("src_gray8.dcm")
    run("dcmdrle", "+te", f"{TEST_FILES}/SC_rgb_rle.dcm", path("src_rgb8.dcm"))
    src["rgb8"] = path("src_rgb8.dcm")
    run("dcmdrle", "+te", f"{TEST_FILES}/SC_rgb_rle_16bit_2frame.dcm", path("src_rgb16x2.dcm"))
    src["rgb16x2"] = path("src_rgb16x2.dcm")
    run("dcmconv", "+te", f"{TEST_FILES}/SC_rgb_small_odd.dcm", path("src_rgbodd.dcm"))
    src["rgbodd"] = path("src_rgbodd.dcm")
    # 12-bit unsigned (for JPEG extended): CT values shifted into 0..4095.
    ds = pydicom.dcmread(src["ct16"])
    a = ds.pixel_array.astype(np.int32)
    a = np.clip(a + 1024, 0, 4095).astype(np.uint16)
    ds.PixelData = a.tobytes()
    ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 12, 11, 0
    ds.RescaleIntercept = -1024
    ds.save_as(path("src_ct12.dcm"), write_like_original=False)
    src["ct12"] = path("src_ct12.dcm")
    # Multi-frame 16-bit signed: 4 frames of MR, each shifted differently.
    ds = pydicom.dcmread(src["mr16"])
    a = ds.pixel_array.astype(np.int32)
    frames = np.stack([np.clip(a * (k + 1) - 300 * k, -32768, 32767) for k in range(4)]).astype(np.int16)
    ds.PixelData = frames.tobytes()
    ds.NumberOfFrames = 4
    ds.save_as(path("src_mr16x4.dcm"), write_like_original=False)
    src["mr16x4"] = path("src_mr16x4.dcm")
    return src


cases = []


def add_case(name, compressed, expected_ds_path, tolerance=0, oracle="", source=None):
    """Records a compressed file and the oracle's decoding of it."""
    ds = pydicom.dcmread(compressed)
    exp = pydicom.dcmread(expected_ds_path)
    expected = native_bytes(exp)
    with open(path(f"{name}.expected.bin"), "wb") as f:
        f.write(expected)
    nframes = int(ds.get("NumberOfFrames", 1) or 1)
    frame_files = []
    for k, frame in enumerate(generate_pixel_data_frame(ds.PixelData, nframes)):
        fn = f"{name}.f{k}.bin"
        with open(path(fn), "wb") as f:
            f.write(frame)
        frame_files.append(fn)
    cases.append(dict(
        name=name, file=os.path.basename(compressed), transferSyntax=str(ds.file_meta.TransferSyntaxUID),
        rows=ds.Rows, columns=ds.Columns, samplesPerPixel=ds.SamplesPerPixel, bitsAllocated=ds.BitsAllocated,
        bitsStored=ds.BitsStored, signed=ds.PixelRepresentation == 1, planarConfiguration=int(ds.get("PlanarConfiguration", 0)),
        photometric=ds.PhotometricInterpretation, decodedPhotometric=exp.PhotometricInterpretation, frames=nframes,
        expected=f"{name}.expected.bin", frameFiles=frame_files, tolerance=tolerance, oracle=oracle,
        source=os.path.basename(source) if source else ""))


def require_equal(a_path, b_path, what):
    a = native_bytes(pydicom.dcmread(a_path))
    b = native_bytes(pydicom.dcmread(b_path))
    if a != b:
        raise RuntimeError(f"oracles disagree on {what}")


def lossless_case(name, compressed, source=None):
    """Lossless: dcmtk and gdcm must agree (where gdcm decodes the file at all), and equal the uncompressed source."""
    ts = str(pydicom.dcmread(compressed).file_meta.TransferSyntaxUID)
    d1 = path(f"{name}.dcmtk.dcm")
    d2 = path(f"{name}.gdcm.dcm")
    if ts == "1.2.840.10008.1.2.5":
        run("dcmdrle", compressed, d1)
    elif ts in ("1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81"):
        run("dcmdjpls", compressed, d1)
    else:
        run("dcmdjpeg", "+cn", compressed, d1)
    oracle = "dcmtk+gdcm"
    try:
        run("gdcmconv", "--raw", compressed, d2)
        require_equal(d1, d2, name)
    except RuntimeError as e:
        if "oracles disagree" in str(e):
            raise
        oracle = "dcmtk (gdcmconv failed on this file)"
    if source is not None:
        require_equal(d1, source, name + " vs its uncompressed source")
        oracle += ", equals uncompressed source"
    add_case(name, compressed, d1, 0, oracle, source)


src = prepare_sources()

# RLE Lossless: dcmtk and gdcm encoders; pydicom's RLE handler is a third decoder.
for key in ["ct16", "mr16", "gray8", "rgb8", "rgb16x2", "rgbodd", "mr16x4"]:
    c = path(f"rle_dcmtk_{key}.dcm")
    run("dcmcrle", src[key], c)
    lossless_case(f"rle_dcmtk_{key}", c, src[key])
    if key in ("rgb16x2", "rgbodd"):
        continue  # gdcmconv 3.0.21 cannot write these (16-bit RGB multi-frame; 3x3 RGB asserts)
    c = path(f"rle_gdcm_{key}.dcm")
    run("gdcmconv", "--rle", src[key], c)
    lossless_case(f"rle_gdcm_{key}", c, src[key])
for f in ["MR_small_RLE.dcm", "SC_rgb_rle_32bit_2frame.dcm", "rtdose_rle.dcm", "SC_rgb_rle_2frame.dcm"]:
    name = "rle_pydicom_" + f[:-4]
    shutil.copy(f"{TEST_FILES}/{f}", path(name + ".dcm"))
    ds = pydicom.dcmread(path(name + ".dcm"))
    arr = ds.pixel_array  # pydicom's own RLE decoder
    ds.PixelData = arr.astype(arr.dtype.newbyteorder("<")).tobytes()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.PlanarConfiguration = 0 if ds.SamplesPerPixel > 1 else None
    if ds.SamplesPerPixel == 1:
        del ds.PlanarConfiguration
    ds.save_as(path(name + ".pydicom.dcm"), write_like_original=False)
    add_case(name, path(name + ".dcm"), path(name + ".pydicom.dcm"), 0, "pydicom")

# JPEG Lossless SV1 (Process 14 SV1) and Process 14 with every predictor; point transform.
for key in ["ct16", "mr16", "gray8", "rgb8", "rgb16x2", "ct12", "mr16x4", "rgbodd"]:
    c = path(f"jpll_sv1_{key}.dcm")
    run("dcmcjpeg", "+e1", src[key], c)
    lossless_case(f"jpll_sv1_{key}", c, src[key])
for sv in range(1, 8):
    for key in ["ct16", "rgb8"]:
        c = path(f"jpll_p14_sv{sv}_{key}.dcm")
        run("dcmcjpeg", "+el", "+sv", str(sv), src[key], c)
        lossless_case(f"jpll_p14_sv{sv}_{key}", c, src[key])
c = path("jpll_p14_pt2_ct12.dcm")
run("dcmcjpeg", "+el", "+sv", "1", "+pt", "2", src["ct12"], c)
run("dcmdjpeg", c, path("jpll_p14_pt2_ct12.dcmtk.dcm"))
add_case("jpll_p14_pt2_ct12", c, path("jpll_p14_pt2_ct12.dcmtk.dcm"), 0, "dcmtk (point transform: lossy but deterministic)")
for key in ["ct16", "gray8", "rgb8"]:
    c = path(f"jpll_gdcm_{key}.dcm")
    run("gdcmconv", "--jpeg", src[key], c)
    lossless_case(f"jpll_gdcm_{key}", c, src[key])
# Several fragments per frame and empty offset tables.
c = path("jpll_frag_mr16x4.dcm")
run("dcmcjpeg", "+e1", "+fs", "1", "-ot", src["mr16x4"], c)
lossless_case("jpll_frag_mr16x4", c, src["mr16x4"])
c = path("jpll_frag_ct16.dcm")
run("gdcmconv", "--split", "1000", path("jpll_gdcm_ct16.dcm"), c)
lossless_case("jpll_frag_ct16", c, src["ct16"])
shutil.copy(f"{TEST_FILES}/SC_rgb_jpeg_gdcm.dcm", path("jpll_pydicom_SC_rgb_jpeg_gdcm.dcm"))
lossless_case("jpll_pydicom_SC_rgb_jpeg_gdcm", path("jpll_pydicom_SC_rgb_jpeg_gdcm.dcm"))


def lossy_case(name, compressed, tolerance):
    d1 = path(f"{name}.dcmtk.dcm")
    run("dcmdjpeg", "+cn", compressed, d1)
    add_case(name, compressed, d1, tolerance, "dcmtk")


# JPEG Baseline (8-bit): grey and colour, each chroma subsampling dcmtk offers.
for opt, tag in [([], "gray8")]:
    c = path(f"jpb_{tag}.dcm")
    run("dcmcjpeg", "+eb", *opt, src["gray8"], c)
    lossy_case(f"jpb_{tag}", c, 0)
for opt, tag in [(["+s2"], "422"), (["+s4"], "444"), (["+n2"], "422full"), (["+n1"], "411full"), (["+np"], "411"), (["+cr"], "rgb")]:
    for key in ["rgb8", "rgbodd"]:
        c = path(f"jpb_{tag}_{key}.dcm")
        run("dcmcjpeg", "+eb", *opt, src[key], c)
        lossy_case(f"jpb_{tag}_{key}", c, 0)
c = path("jpb_q50_frag_gray8.dcm")
run("dcmcjpeg", "+eb", "+q", "50", "+fs", "4", "-ot", src["gray8"], c)
lossy_case("jpb_q50_frag_gray8", c, 0)
# JPEG Extended with 8-bit samples (Process 2, SOF1).
for key in ["gray8", "rgb8"]:
    c = path(f"jpe8_{key}.dcm")
    run("dcmcjpeg", "+ee", src[key], c)
    lossy_case(f"jpe8_{key}", c, 0)
# JPEG Extended (12-bit, Process 4).
for key in ["ct12"]:
    c = path(f"jpe_{key}.dcm")
    run("dcmcjpeg", "+ee", src[key], c)
    lossy_case(f"jpe_{key}", c, 0)
    c = path(f"jpe_q30_{key}.dcm")
    run("dcmcjpeg", "+ee", "+q", "30", src[key], c)
    lossy_case(f"jpe_q30_{key}", c, 0)
for f in ["JPEG-lossy.dcm", "SC_rgb_jpeg_dcmtk.dcm", "SC_rgb_dcmtk_+eb+cy+np.dcm", "SC_rgb_dcmtk_+eb+cy+s2.dcm",
          "SC_rgb_dcmtk_+eb+cy+n1.dcm", "SC_rgb_small_odd_jpeg.dcm", "SC_rgb_jpeg_lossy_gdcm.dcm"]:
    name = "jpeg_pydicom_" + f[:-4].replace("+", "")
    shutil.copy(f"{TEST_FILES}/{f}", path(name + ".dcm"))
    lossy_case(name, path(name + ".dcm"), 0)

# JPEG-LS: dcmtk (every interleave mode, near-lossless) and gdcm (CharLS) encoders; dcmdjpls and gdcm decode.
for key in ["ct16", "mr16", "gray8", "rgb8", "rgb16x2", "ct12", "mr16x4", "rgbodd"]:
    for il in ["+il", "+is", "+in"]:
        if il != "+il" and key not in ("rgb8", "rgb16x2", "rgbodd"):
            continue
        if il == "+in" and key == "rgb16x2":
            continue  # dcmdjpls 3.6.9 cannot decode what dcmcjpls +in makes of 16-bit RGB multi-frame
        c = path(f"jls_dcmtk{il[1:]}_{key}.dcm")
        run("dcmcjpls", il, src[key], c)
        lossless_case(f"jls_dcmtk{il[1:]}_{key}", c, src[key])
for key in ["ct16", "gray8", "rgb8", "ct12"]:
    c = path(f"jls_gdcm_{key}.dcm")
    run("gdcmconv", "--jpegls", src[key], c)
    lossless_case(f"jls_gdcm_{key}", c, src[key])
shutil.copy(f"{TEST_FILES}/MR_small_jpeg_ls_lossless.dcm", path("jls_pydicom_MR_small.dcm"))
lossless_case("jls_pydicom_MR_small", path("jls_pydicom_MR_small.dcm"), src["mr16"])


def near_case(name, compressed, near):
    """Near-lossless: dcmtk and gdcm decodings must agree; the source differs by at most NEAR."""
    d1 = path(f"{name}.dcmtk.dcm")
    d2 = path(f"{name}.gdcm.dcm")
    run("dcmdjpls", compressed, d1)
    run("gdcmconv", "--raw", compressed, d2)
    require_equal(d1, d2, name)
    add_case(name, compressed, d1, 0, f"dcmtk+gdcm (near-lossless NEAR={near})")


for key in ["gray8", "rgb8", "ct12"]:  # dcmcjpls refuses signed data for near-lossless
    for near in [1, 3]:
        c = path(f"jlsnear{near}_dcmtk_{key}.dcm")
        run("dcmcjpls", "+en", "+md", str(near), src[key], c)
        near_case(f"jlsnear{near}_dcmtk_{key}", c, near)
    c = path(f"jlsnear2_gdcm_{key}.dcm")
    run("gdcmconv", "--jpegls", "--lossy", "-e", "2", src[key], c)
    near_case(f"jlsnear2_gdcm_{key}", c, 2)

with open(path("manifest.json"), "w") as f:
    json.dump(cases, f, indent=1)
print(f"{len(cases)} cases")
