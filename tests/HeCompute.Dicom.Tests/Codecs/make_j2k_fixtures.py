#!/usr/bin/python3
"""JPEG 2000 and HTJ2K fixtures from encoders and decoders no one here wrote. Codestreams come from opj_compress
(OpenJPEG's tool, JPEG 2000 Part 1), ojph_compress (OpenJPH, HTJ2K: OpenJPEG 2.5 cannot encode HTJ2K) and
gdcmconv --j2k (real DICOM transcoding); pydicom wraps the bare codestreams as DICOM (offset table or not, one or
several fragments per frame). Expected pixels come from opj_decompress, ojph_expand and gdcmconv --raw /
pydicom+gdcm, which must agree with each other (and, when lossless, with the uncompressed source) or the script
fails. Output: the manifest.json of make_codec_fixtures.py's format. Usage: make_j2k_fixtures.py OUTDIR."""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pydicom
from pydicom.encaps import encapsulate, generate_pixel_data_frame
from pydicom._uid_dict import UID_dictionary
from pydicom.uid import ExplicitVRLittleEndian

TOOLS = ["opj_compress", "opj_decompress", "ojph_compress", "ojph_expand", "gdcmconv", "dcmconv", "dcmdrle"]
TEST_FILES = "/usr/lib/python3/dist-packages/pydicom/data/test_files"
J2K_LOSSLESS, J2K = "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91"
HT_LOSSLESS, HT_RPCL, HT = "1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203"

# pydicom 2.3 predates HTJ2K: teach it the three syntaxes so it writes them as encapsulated explicit VR LE.
for uid, keyword in [(HT_LOSSLESS, "HTJ2KLossless"), (HT_RPCL, "HTJ2KLosslessRPCL"), (HT, "HTJ2K")]:
    UID_dictionary.setdefault(uid, (keyword, "Transfer Syntax", "", "", keyword))

out = os.path.abspath(sys.argv[1])
os.makedirs(out, exist_ok=True)
for tool in TOOLS:
    if shutil.which(tool) is None:
        sys.exit(f"required oracle tool {tool} is missing (test.sh installs libopenjp2-tools, openjph-tools, libgdcm-tools, dcmtk)")
try:
    import gdcm  # noqa: F401  (pydicom's gdcm pixel handler)
except ImportError:
    sys.exit("python3-gdcm is missing (test.sh installs it)")


def run(*args):
    r = subprocess.run(list(args), capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({r.returncode}): {r.stdout} {r.stderr}")


def path(name):
    return os.path.join(out, name)


def dtype_of(bits_allocated, signed):
    return {(8, False): "u1", (8, True): "i1", (16, False): "<u2", (16, True): "<i2"}[(bits_allocated, signed)]


def native_bytes(ds):
    """Uncompressed PixelData of ds as interleaved little-endian samples, frame after frame."""
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    spp = ds.SamplesPerPixel
    arr = np.frombuffer(ds.PixelData, dtype=dtype_of(ds.BitsAllocated, False), count=frames * ds.Rows * ds.Columns * spp)
    if spp > 1 and ds.get("PlanarConfiguration", 0) == 1:
        arr = arr.reshape(frames, spp, ds.Rows * ds.Columns).transpose(0, 2, 1)
    return np.ascontiguousarray(arr).tobytes()


def samples(ds):
    """The source's frames as an int array (frames, rows, columns, samples), sign-extended from Bits Stored."""
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    a = np.frombuffer(native_bytes(ds), dtype=dtype_of(ds.BitsAllocated, ds.PixelRepresentation == 1)).astype(np.int64)
    return a.reshape(frames, ds.Rows, ds.Columns, ds.SamplesPerPixel)


def save_source(key, ds):
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.save_as(path(f"src_{key}.dcm"), write_like_original=False)
    return path(f"src_{key}.dcm")


def with_pixels(ds, array, bits_stored, signed, frames=1):
    ds.BitsAllocated = 8 if bits_stored <= 8 else 16
    ds.BitsStored, ds.HighBit, ds.PixelRepresentation = bits_stored, bits_stored - 1, 1 if signed else 0
    ds.PixelData = array.astype(dtype_of(ds.BitsAllocated, signed)).tobytes()
    if frames > 1:
        ds.NumberOfFrames = frames
    return ds


def prepare_sources():
    src = {}
    run("dcmconv", "+te", f"{TEST_FILES}/CT_small.dcm", path("tmp_ct.dcm"))
    run("dcmconv", "+te", f"{TEST_FILES}/MR_small.dcm", path("tmp_mr.dcm"))
    run("dcmdrle", "+te", f"{TEST_FILES}/SC_rgb_rle.dcm", path("tmp_rgb.dcm"))
    run("dcmdrle", "+te", f"{TEST_FILES}/SC_rgb_rle_2frame.dcm", path("tmp_rgbx2.dcm"))
    ct = pydicom.dcmread(path("tmp_ct.dcm"))
    src["ct16s"] = save_source("ct16s", ct)
    a = ct.pixel_array.astype(np.int32)
    src["u12"] = save_source("u12", with_pixels(pydicom.dcmread(path("tmp_ct.dcm")), np.clip(a + 1024, 0, 4095), 12, False))
    src["s12"] = save_source("s12", with_pixels(pydicom.dcmread(path("tmp_ct.dcm")), np.clip(a - 600, -2048, 2047), 12, True))
    mr = pydicom.dcmread(path("tmp_mr.dcm"))
    m = mr.pixel_array.astype(np.int64)
    full = (m - m.min()) * 65535 // (m.max() - m.min())  # 0 and 65535 both occur
    src["u16"] = save_source("u16", with_pixels(pydicom.dcmread(path("tmp_mr.dcm")), full, 16, False))
    src["u8"] = save_source("u8", with_pixels(pydicom.dcmread(path("tmp_mr.dcm")), full >> 8, 8, False))
    src["s8"] = save_source("s8", with_pixels(pydicom.dcmread(path("tmp_mr.dcm")), (full >> 8) - 128, 8, True))
    frames = np.stack([np.clip(m * (k + 1) - 300 * k, -32768, 32767) for k in range(4)])
    src["s16x4"] = save_source("s16x4", with_pixels(pydicom.dcmread(path("tmp_mr.dcm")), frames, 16, True, 4))
    src["u16x4"] = save_source("u16x4", with_pixels(pydicom.dcmread(path("tmp_mr.dcm")), frames + 400, 16, False, 4))
    src["rgb8"] = save_source("rgb8", pydicom.dcmread(path("tmp_rgb.dcm")))
    src["rgb8x2"] = save_source("rgb8x2", pydicom.dcmread(path("tmp_rgbx2.dcm")))
    return src


cases = []


def add_case(name, compressed, expected, tolerance, oracle, source, decoded_photometric=None):
    """Records a compressed file, the oracles' decoding of it (interleaved bytes) and its frames as pydicom splits them."""
    ds = pydicom.dcmread(compressed)
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
        photometric=ds.PhotometricInterpretation, decodedPhotometric=decoded_photometric or ds.PhotometricInterpretation,
        frames=nframes, expected=f"{name}.expected.bin", frameFiles=frame_files, tolerance=tolerance, oracle=oracle,
        source=os.path.basename(source) if source else ""))


def gdcm_raw(compressed, name):
    """gdcmconv --raw and pydicom's gdcm handler; the two must agree. Returns interleaved bytes."""
    d = path(f"{name}.gdcm.dcm")
    run("gdcmconv", "--raw", compressed, d)
    raw = pydicom.dcmread(d)
    a = native_bytes(raw)
    ds = pydicom.dcmread(compressed)
    arr = ds.pixel_array  # gdcm_handler (numpy cannot, pillow is not installed)
    b = np.ascontiguousarray(arr.astype(arr.dtype.newbyteorder("<"))).tobytes()
    # Compared as stored values: where the codestream's sign disagrees with Pixel Representation, gdcm writes the
    # codestream's bits and pydicom sign-extends them from Bits Stored (J2K_pixelrep_mismatch.dcm).
    if stored_values(a, ds) != stored_values(b, ds):
        raise RuntimeError(f"gdcmconv --raw and pydicom+gdcm disagree on {name}")
    return a


def stored_values(data, ds):
    """Interleaved bytes as the integers Bits Stored / Pixel Representation make of them."""
    a = np.frombuffer(data, dtype=dtype_of(ds.BitsAllocated, False)).astype(np.int64) & ((1 << ds.BitsStored) - 1)
    if ds.PixelRepresentation == 1:
        a[a >= 1 << (ds.BitsStored - 1)] -= 1 << ds.BitsStored
    return a.tobytes()


def max_difference(a_bytes, b_bytes, bits_allocated, signed):
    t = dtype_of(bits_allocated, signed)
    a = np.frombuffer(a_bytes, dtype=t).astype(np.int64)
    b = np.frombuffer(b_bytes, dtype=t).astype(np.int64)
    return int(np.abs(a - b).max()) if a.size else 0


def decode_codestream(codestream, ds, name, tool):
    """A bare codestream decoded by opj_decompress (any JPEG 2000) or ojph_expand (HTJ2K): interleaved bytes."""
    rows, cols, spp, ba = ds.Rows, ds.Columns, ds.SamplesPerPixel, ds.BitsAllocated
    if tool == "opj":
        o = path(f"{name}.opj.rawl")
        run("opj_decompress", "-i", codestream, "-o", o)
    elif spp == 3:
        o = path(f"{name}.ojph.ppm")
        run("ojph_expand", "-i", codestream, "-o", o)
        data = open(o, "rb").read()
        header = data.split(b"\n", 3)  # P6, "W H", 255, samples
        if header[0] != b"P6" or header[1] != b"%d %d" % (cols, rows) or header[2] != b"255":
            raise RuntimeError(f"unexpected PPM header from ojph_expand: {header[:3]}")
        return header[3]
    else:
        o = path(f"{name}.ojph.yuv")
        run("ojph_expand", "-i", codestream, "-o", o)
    planes = np.fromfile(o, dtype=dtype_of(ba, False)).reshape(spp, rows, cols).astype(np.int64)
    if ds.PixelRepresentation == 1:
        # Both tools write signed samples as Bits Stored two's complement bits; DICOM (pydicom, gdcm) sign-extends.
        bs = ds.BitsStored
        planes &= (1 << bs) - 1
        planes[planes >= 1 << (bs - 1)] -= 1 << bs
    planes = planes.astype(dtype_of(ba, ds.PixelRepresentation == 1))
    return np.ascontiguousarray(planes.transpose(1, 2, 0)).tobytes()


def write_raw(frame, ba, signed, target):
    """One frame (rows, columns, samples) as planar little-endian samples: opj_compress's .rawl, ojph_compress's .yuv."""
    np.ascontiguousarray(frame.transpose(2, 0, 1)).astype(dtype_of(ba, signed)).tofile(target)


def wrap(name, src_path, codestreams, syntax, photometric, bot=True, fragments=1, lossy=None):
    """pydicom wraps bare codestreams (one per frame) into a copy of the source."""
    ds = pydicom.dcmread(src_path)
    ds.PixelData = encapsulate([open(c, "rb").read() for c in codestreams], fragments_per_frame=fragments, has_bot=bot)
    ds["PixelData"].is_undefined_length = True
    ds["PixelData"].VR = "OB"
    ds.PhotometricInterpretation = photometric
    if ds.SamplesPerPixel > 1:
        ds.PlanarConfiguration = 0
    if lossy:
        ds.LossyImageCompression = "01"
    ds.file_meta.TransferSyntaxUID = syntax
    ds.save_as(path(name + ".dcm"), write_like_original=False)
    return path(name + ".dcm")


def encode_frames(key, name, tool, options):
    """Encodes every frame of a source with opj_compress or ojph_compress; returns the codestream files."""
    ds = pydicom.dcmread(src[key])
    signed = ds.PixelRepresentation == 1
    result = []
    for k, frame in enumerate(samples(ds)):
        ext = "rawl" if tool == "opj" else "yuv"
        raw = path(f"{name}.in{k}.{ext}")
        write_raw(frame, ds.BitsAllocated, signed, raw)
        if tool == "opj":
            cs = path(f"{name}.f{k}.{'jp2' if '-jp2' in options else 'j2k'}")
            opts = [o for o in options if o != "-jp2"]
            fmt = f"{ds.Columns},{ds.Rows},{ds.SamplesPerPixel},{ds.BitsStored},{'s' if signed else 'u'}"
            run("opj_compress", "-i", raw, "-o", cs, "-F", fmt, *opts)
        elif ds.SamplesPerPixel == 3:
            # ojph_compress applies its colour transform only to PPM input (it ignores -colour_trans for raw files).
            ppm = path(f"{name}.in{k}.ppm")
            with open(ppm, "wb") as f:
                f.write(b"P6\n%d %d\n255\n" % (ds.Columns, ds.Rows) + frame.astype(np.uint8).tobytes())
            cs = path(f"{name}.f{k}.j2c")
            run("ojph_compress", "-i", ppm, "-o", cs, *options)
        else:
            cs = path(f"{name}.f{k}.j2c")
            n = ds.SamplesPerPixel
            run("ojph_compress", "-i", raw, "-o", cs, "-dims", f"{{{ds.Columns},{ds.Rows}}}", "-num_comps", str(n),
                "-signed", ",".join(["true" if signed else "false"] * n), "-bit_depth", ",".join([str(ds.BitsStored)] * n),
                "-downsamp", ",".join(["{1,1}"] * n), *options)
        result.append(cs)
    return result


def codestream_case(name, key, tool, options, syntax, photometric, lossless, bot=True, fragments=1, ojph_tolerance=0, gdcm=True):
    """Encode each frame, decode each with the tools, require agreement, wrap as DICOM, let gdcm decode that too."""
    ds = pydicom.dcmread(src[key])
    streams = encode_frames(key, name, tool, options)
    expected = b"".join(decode_codestream(s, ds, f"{name}.f{k}", "opj") for k, s in enumerate(streams))
    oracle = "opj_decompress"
    if tool == "ojph":
        other = b"".join(decode_codestream(s, ds, f"{name}.f{k}", "ojph") for k, s in enumerate(streams))
        d = max_difference(expected, other, ds.BitsAllocated, ds.PixelRepresentation == 1)
        if d > ojph_tolerance:
            raise RuntimeError(f"opj_decompress and ojph_expand differ by {d} on {name}")
        oracle += " + ojph_expand" + ("" if d == 0 else f" (within {d})")
    compressed = wrap(name, src[key], streams, syntax, photometric, bot, fragments, lossy=not lossless)
    if syntax in (J2K_LOSSLESS, J2K) and gdcm:
        if gdcm_raw(compressed, name) != expected:
            raise RuntimeError(f"gdcm and opj_decompress disagree on {name}")
        oracle += " + gdcmconv --raw + pydicom/gdcm"
    source_bytes = native_bytes(pydicom.dcmread(src[key]))
    if lossless:
        if expected != source_bytes:
            raise RuntimeError(f"{name} is not lossless")
        oracle += ", equals uncompressed source"
    else:
        oracle += f", max error vs source {max_difference(expected, source_bytes, ds.BitsAllocated, ds.PixelRepresentation == 1)}"
    decoded = "RGB" if photometric in ("YBR_RCT", "YBR_ICT") else photometric
    add_case(name, compressed, expected, 0, oracle, src[key] if lossless else None, decoded)


def gdcm_case(name, key, *options, lossless=True):
    """gdcmconv transcodes a real DICOM file; gdcmconv --raw and pydicom+gdcm decode it."""
    compressed = path(name + ".dcm")
    run("gdcmconv", "--j2k", *options, src[key], compressed)
    expected = gdcm_raw(compressed, name)
    ds = pydicom.dcmread(compressed)
    source_bytes = native_bytes(pydicom.dcmread(src[key]))
    oracle = "gdcmconv --raw + pydicom/gdcm"
    if lossless:
        if expected != source_bytes:
            raise RuntimeError(f"{name} is not lossless")
        oracle += ", equals uncompressed source"
    else:
        oracle += f", max error vs source {max_difference(expected, source_bytes, ds.BitsAllocated, ds.PixelRepresentation == 1)}"
    decoded = "RGB" if ds.PhotometricInterpretation in ("YBR_RCT", "YBR_ICT") else ds.PhotometricInterpretation
    add_case(name, compressed, expected, 0, oracle, src[key] if lossless else None, decoded)


src = prepare_sources()

# JPEG 2000 Part 1 from opj_compress: every bit depth and signedness, MCT on and off, lossless and lossy.
for key in ["u8", "s8", "u12", "s12", "u16", "ct16s"]:
    codestream_case(f"j2k_opj_{key}", key, "opj", [], J2K_LOSSLESS, "MONOCHROME2", True)
codestream_case("j2k_opj_rgb8_rct", "rgb8", "opj", [], J2K_LOSSLESS, "YBR_RCT", True)
codestream_case("j2k_opj_rgb8_nomct", "rgb8", "opj", ["-mct", "0"], J2K_LOSSLESS, "RGB", True)
codestream_case("j2k_opj_rgb8_ict", "rgb8", "opj", ["-I", "-r", "20"], J2K, "YBR_ICT", False)
codestream_case("j2k_opj_u12_irrev", "u12", "opj", ["-I", "-r", "10"], J2K, "MONOCHROME2", False)
codestream_case("j2k_opj_s12_lossy53", "s12", "opj", ["-r", "8"], J2K, "MONOCHROME2", False)
codestream_case("j2k_opj_u12_tiles", "u12", "opj", ["-t", "64,32", "-p", "RPCL", "-SOP", "-EPH"], J2K_LOSSLESS, "MONOCHROME2", True)
codestream_case("j2k_opj_u16_jp2", "u16", "opj", ["-jp2"], J2K_LOSSLESS, "MONOCHROME2", True)
# Multi-frame: with and without a Basic Offset Table, one and three fragments per frame (gdcmconv 3.0.21 cannot
# decode several fragments per frame: there the oracle is opj_decompress on each frame's codestream).
codestream_case("j2k_opj_s16x4_bot", "s16x4", "opj", [], J2K_LOSSLESS, "MONOCHROME2", True)
codestream_case("j2k_opj_s16x4_nobot", "s16x4", "opj", [], J2K_LOSSLESS, "MONOCHROME2", True, bot=False)
codestream_case("j2k_opj_s16x4_frag_bot", "s16x4", "opj", [], J2K_LOSSLESS, "MONOCHROME2", True, fragments=3, gdcm=False)
codestream_case("j2k_opj_s16x4_frag_nobot", "s16x4", "opj", [], J2K_LOSSLESS, "MONOCHROME2", True, bot=False, fragments=3, gdcm=False)
codestream_case("j2k_opj_rgb8x2_rct", "rgb8x2", "opj", [], J2K_LOSSLESS, "YBR_RCT", True, bot=False)

# HTJ2K from ojph_compress (OpenJPH); decoded by opj_decompress and ojph_expand.
for key in ["u8", "u12", "u16", "ct16s"]:  # ojph_compress 0.9 misreads signed samples below 16 bits
    codestream_case(f"ht_ojph_{key}", key, "ojph", ["-reversible", "true", "-prog_order", "LRCP"], HT_LOSSLESS, "MONOCHROME2", True)
codestream_case("ht_ojph_ct16s_rpcl", "ct16s", "ojph", ["-reversible", "true", "-prog_order", "RPCL"], HT_RPCL, "MONOCHROME2", True)
codestream_case("ht_ojph_rgb8_rct", "rgb8", "ojph", ["-reversible", "true"], HT_LOSSLESS, "YBR_RCT", True)
codestream_case("ht_ojph_rgb8_nomct", "rgb8", "ojph", ["-reversible", "true", "-colour_trans", "false"], HT_LOSSLESS, "RGB", True)
codestream_case("ht_ojph_u12_lossy", "u12", "ojph", ["-qstep", "0.002"], HT, "MONOCHROME2", False, ojph_tolerance=1)
codestream_case("ht_ojph_rgb8_ict", "rgb8", "ojph", ["-qstep", "0.01"], HT, "YBR_ICT", False, ojph_tolerance=1)
# Signed HTJ2K with negative samples is left out: OpenJPEG 2.5.0 (Debian 12) decodes them as 32767 where ojph_expand
# gives the source back (see the README's known gaps). Multi-frame HTJ2K is covered unsigned.
codestream_case("ht_ojph_u16x4", "u16x4", "ojph", ["-reversible", "true"], HT_LOSSLESS, "MONOCHROME2", True, bot=False)
codestream_case("ht_ojph_rgb8x2_rct", "rgb8x2", "ojph", ["-reversible", "true"], HT_LOSSLESS, "YBR_RCT", True)

# Real DICOM transcoded by gdcm (its own JPEG 2000 writer settings, its offset tables).
for key in ["ct16s", "u12", "s12", "u8", "rgb8", "s16x4", "rgb8x2"]:
    gdcm_case(f"j2k_gdcm_{key}", key)
gdcm_case("j2k_gdcm_lossy_ct16s", "ct16s", "--lossy", "--irreversible", "-q", "40", lossless=False)
gdcm_case("j2k_gdcm_lossy_rgb8", "rgb8", "--lossy", "-r", "10", lossless=False)

# pydicom's own JPEG 2000 test files, decoded by gdcm. JPEG2000-embedded-sequence-delimiter.dcm is left out: it
# tests parsing (the bytes of a sequence delimiter inside a fragment); its 250-byte codestream's SIZ declares
# 0xDDE00100 columns, which gdcm and OpenJPEG both refuse (Jpeg2000Tests checks that we read and refuse it).
for f in ["693_J2KI.dcm", "GDCMJ2K_TextGBR.dcm", "J2K_pixelrep_mismatch.dcm", "JPEG2000.dcm", "MR_small_jp2klossless.dcm"]:
    name = "j2k_pydicom_" + f[:-4]
    shutil.copy(f"{TEST_FILES}/{f}", path(name + ".dcm"))
    ds = pydicom.dcmread(path(name + ".dcm"))
    decoded = "RGB" if ds.PhotometricInterpretation in ("YBR_RCT", "YBR_ICT") else ds.PhotometricInterpretation
    add_case(name, path(name + ".dcm"), gdcm_raw(path(name + ".dcm"), name), 0, "gdcmconv --raw + pydicom/gdcm", None, decoded)

with open(path("manifest.json"), "w") as f:
    json.dump(cases, f, indent=1)
print(f"{len(cases)} cases")
