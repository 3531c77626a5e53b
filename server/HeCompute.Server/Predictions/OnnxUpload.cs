using HeCompute.Contracts;

namespace HeCompute.Server.Predictions;

/// <summary>An ONNX model to import: the file and the import options, as read from the upload.</summary>
/// <param name="Onnx">The ONNX bytes.</param>
/// <param name="Options">The import options.</param>
public sealed record OnnxUpload(byte[] Onnx, OnnxImportRequest Options);
