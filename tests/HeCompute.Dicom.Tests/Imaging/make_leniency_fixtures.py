#!/usr/bin/python3
"""Files as real scanners write them, made here with dcmtk and pydicom (nothing downloaded):
- xa_bot5.dcm: a 4-frame JPEG Lossless XA whose Basic Offset Table has 5 entries (one past the last frame), and
  xa_bot5.expected.bin, its frames as dcmdjpeg and gdcmconv --raw decode them (they must agree);
- cr_10bit.dcm: a MONOCHROME1 CR with Bits Stored 10 whose 12-bit JPEG Lossless stream decodes 8 values to 1024,
  and cr_10bit.dcmtk.dcm, dcmdjpeg's decoding of it (the values as decoded, 1024 kept);
- dicomdir/DICOMDIR: dcmmkdir's directory of three images of two patients (names and IDs in its records).
Writes leniency.json. Usage: make_leniency_fixtures.py OUTDIR."""
import json
import os
import shutil
import struct
import subprocess
import sys

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import generate_pixel_data_frame
from pydicom.uid import ExplicitVRLittleEndian

out = os.path.abspath(sys.argv[1])
os.makedirs(out, exist_ok=True)
for tool in ["dcmcjpeg", "dcmdjpeg", "dcmodify", "dcmmkdir", "gdcmconv"]:
    if shutil.which(tool) is None:
        sys.exit(f"required oracle tool {tool} is missing (test.sh installs dcmtk and libgdcm-tools)")


def run(*args, cwd=None):
    r = subprocess.run(list(args), capture_output=True, text=True, cwd=cwd)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({r.returncode}): {r.stdout} {r.stderr}")


def path(name):
    return os.path.join(out, name)


def image(sop_class, modality, pixels, bits_stored, photometric, patient=("Doe^Jane", "P001"), frames=1, uid_root="1.2.826.0.1.3680043.8.498.77"):
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = sop_class
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = pydicom.uid.generate_uid(uid_root + ".")
    ds.StudyInstanceUID = uid_root + ".1." + str(int(patient[1][1:]))
    ds.SeriesInstanceUID = uid_root + ".2." + str(int(patient[1][1:]))
    ds.PatientName, ds.PatientID = patient
    ds.StudyDate, ds.StudyTime, ds.StudyID, ds.AccessionNumber = "20240102", "101010", "S1", "A1"
    ds.SeriesNumber, ds.InstanceNumber = 1, 1
    ds.Modality = modality
    ds.Rows, ds.Columns = pixels.shape[-2:]
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, photometric
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16 if bits_stored > 8 else 8, bits_stored, bits_stored - 1, 0
    if frames > 1:
        ds.NumberOfFrames = frames
    ds.PixelData = pixels.astype(np.uint16 if bits_stored > 8 else np.uint8).tobytes()
    ds.is_little_endian, ds.is_implicit_VR = True, False
    return ds


def native(ds):
    return np.frombuffer(ds.PixelData, dtype="<u2" if ds.BitsAllocated == 16 else "u1").tobytes()


# XA: 4 frames of 8-bit JPEG Lossless (dcmcjpeg writes a Basic Offset Table of 4 entries); add a fifth entry that
# points one past the last fragment, as the writer of the real file did.
y, x = np.mgrid[0:64, 0:64]
frames = np.stack([(x * 3 + y * (k + 1) + 40 * k) % 256 for k in range(4)])
image("1.2.840.10008.5.1.4.1.1.12.1", "XA", frames, 8, "MONOCHROME2", frames=4).save_as(path("xa_src.dcm"), write_like_original=False)
run("dcmcjpeg", "+e1", path("xa_src.dcm"), path("xa_bot4.dcm"))
ds = pydicom.dcmread(path("xa_bot4.dcm"))
data = ds.PixelData
tag, length = struct.unpack_from("<II", data, 0)
assert tag == 0xE000FFFE and length == 16, (hex(tag), length)
offsets = list(struct.unpack_from("<4I", data, 8))
total = len(data) - 8 - length  # fragments (and the sequence delimiter pydicom leaves out)
offsets.append(total)
ds.PixelData = struct.pack("<II", 0xE000FFFE, 20) + struct.pack("<5I", *offsets) + data[8 + length:]
ds.save_as(path("xa_bot5.dcm"), write_like_original=True)
check = pydicom.dcmread(path("xa_bot5.dcm"))
assert len(list(generate_pixel_data_frame(check.PixelData, 4))) >= 4  # pydicom reads it
run("dcmdjpeg", path("xa_bot5.dcm"), path("xa_bot5.dcmtk.dcm"))
run("gdcmconv", "--raw", path("xa_bot5.dcm"), path("xa_bot5.gdcm.dcm"))
a = native(pydicom.dcmread(path("xa_bot5.dcmtk.dcm")))
if a != native(pydicom.dcmread(path("xa_bot5.gdcm.dcm"))) or a != frames.astype(np.uint8).tobytes():
    raise RuntimeError("dcmtk, gdcm and the source disagree on xa_bot5.dcm")
open(path("xa_bot5.expected.bin"), "wb").write(a)

# CR, MONOCHROME1, 10 bits stored: encoded as 12-bit JPEG Lossless from a source that holds 1024 in 8 pixels, then
# relabelled 10-bit with dcmodify, so the stream decodes 8 values past the top of the range.
cr = np.tile(np.arange(64, dtype=np.uint16) * 16, (64, 1))  # 0..1008
cr[10, 10:18] = 1024
image("1.2.840.10008.5.1.4.1.1.1", "CR", cr, 12, "MONOCHROME1").save_as(path("cr_src.dcm"), write_like_original=False)
run("dcmcjpeg", "+e1", path("cr_src.dcm"), path("cr_10bit.dcm"))
run("dcmodify", "-nb", "-m", "(0028,0101)=10", "-m", "(0028,0102)=9", path("cr_10bit.dcm"))
run("dcmdjpeg", path("cr_10bit.dcm"), path("cr_10bit.dcmtk.dcm"))
if np.frombuffer(native(pydicom.dcmread(path("cr_10bit.dcmtk.dcm"))), "<u2").max() != 1024:
    raise RuntimeError("dcmdjpeg did not keep the 1024s")

# DICOMDIR: three images of two patients, under names dcmmkdir accepts, then dcmmkdir.
os.makedirs(path("dicomdir/IMAGES"), exist_ok=True)
for i, patient in enumerate([("Doe^Jane", "P001"), ("Doe^Jane", "P001"), ("Roe^Richard", "P002")]):
    ds = image("1.2.840.10008.5.1.4.1.1.7", "OT", (x + y + 30 * i) % 256, 8, "MONOCHROME2", patient)
    ds.InstanceNumber = i + 1
    ds.ConversionType = "WSD"
    ds.save_as(path(f"dicomdir/IMAGES/IM{i + 1:06d}"), write_like_original=False)
run("dcmmkdir", "+D", "DICOMDIR", "+r", "IMAGES", cwd=path("dicomdir"))
fs = pydicom.dcmread(path("dicomdir/DICOMDIR"))
records = len(fs.DirectoryRecordSequence)

json.dump({"xa": "xa_bot5.dcm", "xaExpected": "xa_bot5.expected.bin", "cr": "cr_10bit.dcm", "crDcmtk": "cr_10bit.dcmtk.dcm",
           "dicomdir": "dicomdir/DICOMDIR", "dicomdirRecords": records}, open(path("leniency.json"), "w"), indent=1)
print("ok", records, "records")
