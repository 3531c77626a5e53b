#!/usr/bin/python3
"""Independent double-precision reference for HeCompute.Features, written with numpy.

Usage: feature_oracle.py CASE_DIR

CASE_DIR/manifest.json lists the cases the C# tests generated; each names a little-endian float32 image file and,
for radiomics cases, a 0/1 byte mask file giving the region of interest explicitly. The script writes
CASE_DIR/results.json: {case id: {feature name: value}}. Definitions follow the IBSI reference manual
(Zwanenburg et al. 2020) and Haralick et al. (1973); nothing here is shared with the C# implementation.
"""
import json
import math
import sys
from fractions import Fraction

import numpy as np

GLCM_DIRECTIONS = [(1, 0), (1, 1), (0, 1), (-1, 1)]  # IBSI 2-D direction vectors (column step, row step)


def percentile(sorted_values, k):
    """Hyndman-Fan definition 7: h = (n-1)*k/100, interpolate between the neighbouring order statistics.
    The index is split with integers so a percentile that falls on an order statistic is that value exactly."""
    n = sorted_values.size
    t = (n - 1) * k
    j, r = divmod(t, 100)
    if r == 0:
        return float(sorted_values[j])
    lo, hi = float(sorted_values[j]), float(sorted_values[j + 1])
    return lo + (hi - lo) * (r / 100.0)


def first_order(x, bin_width, bin_lower):
    n = x.size
    mn, mx = float(x.min()), float(x.max())
    out = {}
    if mn == mx:
        mean, var, skew, kurt, mad = mn, 0.0, 0.0, 0.0, 0.0
    else:
        mean = float(np.mean(x))
        d = x - mean
        var = float(np.mean(d ** 2))
        skew = float(np.mean(d ** 3) / var ** 1.5)
        kurt = float(np.mean(d ** 4) / var ** 2 - 3.0)
        mad = float(np.mean(np.abs(d)))
    xs = np.sort(x)
    p = {k: percentile(xs, k) for k in (10, 25, 50, 75, 90)}
    for k, v in p.items():  # the definition is numpy's "linear" method
        ref = float(np.percentile(x, k))
        assert abs(v - ref) <= 1e-12 * max(1.0, abs(ref)), (k, v, ref)
    sel = x[(x >= p[10]) & (x <= p[90])]
    rmad = 0.0 if sel.size == 0 else float(np.mean(np.abs(sel - np.mean(sel))))
    energy = float(np.sum(x * x))
    lb = mn if bin_lower is None else bin_lower
    bins = np.floor((x - lb) / bin_width) + 1
    assert bins.min() >= 1
    _, counts = np.unique(bins, return_counts=True)
    pr = counts / n
    out.update({
        "first_order.mean": mean,
        "first_order.variance": var,
        "first_order.skewness": skew,
        "first_order.kurtosis": kurt,
        "first_order.median": p[50],
        "first_order.minimum": mn,
        "first_order.p10": p[10],
        "first_order.p90": p[90],
        "first_order.maximum": mx,
        "first_order.interquartile_range": p[75] - p[25],
        "first_order.range": mx - mn,
        "first_order.mean_absolute_deviation": mad,
        "first_order.robust_mean_absolute_deviation": rmad,
        "first_order.energy": energy,
        "first_order.root_mean_square": math.sqrt(energy / n),
        "histogram.entropy": float(-np.sum(pr * np.log2(pr))),
        "histogram.uniformity": float(np.sum(pr * pr)),
        "scale": float(np.max(np.abs(x))),
        "count": float(n),
    })
    return out


def glcm_levels(img, mask, ng):
    x = img[mask]
    mn, mx = x.min(), x.max()
    levels = np.zeros(img.shape, dtype=np.int64)
    if mn == mx:
        levels[mask] = ng
        return levels
    d = np.floor(ng * (x - mn) / (mx - mn)) + 1
    d = np.minimum(d, ng)
    d[x == mx] = ng
    levels[mask] = d.astype(np.int64)
    return levels


def matrix_features(m):
    p = m / m.sum()
    ng = p.shape[0]
    i, j = np.indices((ng, ng)) + 1
    pi = p.sum(axis=1)
    g = np.arange(1, ng + 1)
    mu = float(np.sum(g * pi))
    var = float(np.sum((g - mu) ** 2 * pi))
    corr = 1.0 if var == 0 else float(np.sum((i - mu) * (j - mu) * p) / var)
    nz = p[p > 0]
    return {
        "joint_energy": float(np.sum(p * p)),
        "contrast": float(np.sum((i - j) ** 2 * p)),
        "correlation": corr,
        "inverse_difference": float(np.sum(p / (1 + np.abs(i - j)))),
        "inverse_difference_moment": float(np.sum(p / (1 + (i - j) ** 2))),
        "joint_entropy": float(-np.sum(nz * np.log2(nz))),
    }


def glcm(img, mask, ng, distance):
    levels = glcm_levels(img, mask, ng)
    h, w = levels.shape
    out, per_dir = {}, []
    for index, (dx, dy) in enumerate(GLCM_DIRECTIONS):
        dx, dy = dx * distance, dy * distance
        # pixel p = (y, x) and neighbour q = (y + dy, x + dx), both inside the image
        y0, y1 = 0, h - dy
        x0, x1 = max(0, -dx), min(w, w - dx)
        if y1 <= y0 or x1 <= x0:
            continue
        a = levels[y0:y1, x0:x1]
        b = levels[y0 + dy:y1 + dy, x0 + dx:x1 + dx]
        valid = (a > 0) & (b > 0)
        if not valid.any():
            continue
        m = np.zeros((ng, ng))
        np.add.at(m, (a[valid] - 1, b[valid] - 1), 1.0)
        m = m + m.T
        f = matrix_features(m)
        per_dir.append(f)
        out[f"glcm.dir{index}.pairs"] = float(valid.sum())
        for k, v in f.items():
            out[f"glcm.dir{index}.{k}"] = v
    assert per_dir, "no pairs"
    for k in per_dir[0]:
        out["glcm." + k] = float(np.mean([f[k] for f in per_dir]))
    return out


def axis_weights(source, output):
    """Exact area weights: output o covers source [o*S/O, (o+1)*S/O); weight = overlap / footprint length."""
    a = np.zeros((output, source))
    for o in range(output):
        lo, hi = Fraction(o * source, output), Fraction((o + 1) * source, output)
        for s in range(math.floor(lo), math.ceil(hi)):
            overlap = min(hi, Fraction(s + 1)) - max(lo, Fraction(s))
            if overlap > 0:
                a[o, s] = float(overlap / (hi - lo))
    return a


def downsample(img, rect, out_w, out_h, norm):
    x, y, w, h = rect
    sub = img[y:y + h, x:x + w]
    v = axis_weights(h, out_h) @ sub @ axis_weights(w, out_w).T
    if norm == "minmax":
        mn, mx = v.min(), v.max()
        v = np.zeros_like(v) if mn == mx else (v - mn) / (mx - mn)
    elif norm == "zscore":
        if v.min() == v.max():
            v = np.zeros_like(v)
        else:
            v = (v - v.mean()) / v.std()
    return {f"pixel.{r}.{c}": float(v[r, c]) for r in range(out_h) for c in range(out_w)}


def main():
    case_dir = sys.argv[1]
    with open(f"{case_dir}/manifest.json", encoding="utf-8") as f:
        cases = json.load(f)
    results = {}
    for case in cases:
        w, h = case["width"], case["height"]
        img = np.fromfile(f"{case_dir}/{case['image']}", dtype="<f4").astype(np.float64).reshape(h, w)
        if case["kind"] == "downsample":
            results[case["id"]] = downsample(img, case["rect"], case["out_width"], case["out_height"], case["norm"])
            continue
        mask = np.fromfile(f"{case_dir}/{case['mask']}", dtype=np.uint8).reshape(h, w) != 0
        lo, hi = case["reseg_lower"], case["reseg_upper"]
        if lo is not None:
            mask &= img >= lo
        if hi is not None:
            mask &= img <= hi
        bin_lower = case["bin_lower"]
        if bin_lower is None and lo is not None:
            bin_lower = lo  # IBSI: fixed bin size starts at the re-segmentation range's lower bound
        x = img[mask]  # row-major order
        r = first_order(x, case["bin_width"], bin_lower)
        r.update(glcm(img, mask, case["grey_levels"], case["distance"]))
        results[case["id"]] = r
    with open(f"{case_dir}/results.json", "w", encoding="utf-8") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main()
