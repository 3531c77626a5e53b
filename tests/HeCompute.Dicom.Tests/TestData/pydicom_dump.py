#!/usr/bin/python3
"""Independent parse of DICOM files with pydicom, as JSON, for HeCompute's oracle tests.

Usage: pydicom_dump.py FILE... > out.json
Output: {"files": {path: result}} where result is {"error": message} when pydicom raises, else
{"transfer_syntax", "warnings", "meta": [element], "dataset": [element]}; element = {"tag": "GGGGEEEE", "vr",
"length", "truncated" (the file ends inside the value), "raw" (hex of the value's bytes, little-endian per VR; long values as "sha256:<hex>"), "text" (text VRs,
decoded with the character set, values joined by backslash), "items" (SQ: list of datasets)}.
"""
import hashlib
import json
import sys
import warnings

import pydicom
from pydicom.dataelem import RawDataElement

UNIT = {'US': 2, 'SS': 2, 'OW': 2, 'AT': 2, 'UL': 4, 'SL': 4, 'FL': 4, 'OL': 4, 'OF': 4,
        'FD': 8, 'OD': 8, 'OV': 8, 'SV': 8, 'UV': 8}
TEXT = {'LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UT'}
LONG = 256


def canonical(b, vr, little):
    if little or vr not in UNIT:
        return b
    n = UNIT[vr]
    out = bytearray(b)
    for i in range(0, len(b) - len(b) % n, n):
        out[i:i + n] = b[i:i + n][::-1]
    return bytes(out)


def hexed(b):
    if len(b) > LONG:
        return 'sha256:' + hashlib.sha256(b).hexdigest()
    return b.hex()


def text_of(value):
    if value is None:
        return ''
    if isinstance(value, (list, tuple)) or value.__class__.__name__ == 'MultiValue':
        return '\\'.join(str(v) for v in value)
    return str(value)


def dump(ds, little):
    out = []
    for tag in sorted(ds.keys()):
        raw = ds.get_item(tag)
        elem = ds[tag]
        vr = str(getattr(elem.VR, 'value', elem.VR))
        e = {'tag': '%08X' % int(tag), 'vr': vr}
        if vr == 'SQ':
            e['items'] = [dump(item, little) for item in elem.value]
        else:
            if isinstance(raw, RawDataElement):
                value = raw.value if raw.value is not None else b''
                e['raw'] = hexed(canonical(bytes(value), vr, raw.is_little_endian))
                e['length'] = len(value)
                if raw.length != 0xFFFFFFFF and len(value) < raw.length:
                    e['truncated'] = True  # the file ends inside this value; pydicom keeps what is there
            if vr in TEXT:
                e['text'] = text_of(elem.value)
        out.append(e)
    return out


def read(path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        ds = pydicom.dcmread(path, force=True)
        meta = ds.file_meta if hasattr(ds, 'file_meta') else None
        little = ds.is_little_endian if ds.is_little_endian is not None else True
        result = {
            'transfer_syntax': str(meta.TransferSyntaxUID) if meta is not None and 'TransferSyntaxUID' in meta else None,
            'meta': dump(meta, True) if meta is not None else [],
            'dataset': dump(ds, little),
        }
        result['warnings'] = [str(w.message) for w in caught]
        return result


def main():
    files = {}
    for path in sys.argv[1:]:
        try:
            files[path] = read(path)
        except Exception as ex:  # pydicom raising is the oracle's verdict: the file is broken
            files[path] = {'error': '%s: %s' % (type(ex).__name__, ex)}
    json.dump({'pydicom': pydicom.__version__, 'files': files}, sys.stdout)


if __name__ == '__main__':
    main()
