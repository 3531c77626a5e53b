using Microsoft.Win32.SafeHandles;

namespace HeCompute.Dicom.IO;

/// <summary>Where deferred values are read from after parsing: a file path (reopened on each read) or a seekable stream.</summary>
internal abstract class DicomValueSource
{
    internal abstract void Read(long position, Span<byte> destination);

    internal DicomValueReader ReaderAt(long position) => (offset, destination) => Read(position + offset, destination);

    internal static DicomValueSource? For(Stream stream, string? path)
    {
        if (path is not null)
        {
            return new FileSource(path);
        }

        if (stream is FileStream fs && File.Exists(fs.Name))
        {
            return new FileSource(fs.Name);
        }

        return stream.CanSeek ? new StreamSource(stream) : null;
    }

    private sealed class FileSource(string path) : DicomValueSource
    {
        internal override void Read(long position, Span<byte> destination)
        {
            try
            {
                using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                while (!destination.IsEmpty)
                {
                    int n = RandomAccess.Read(handle, destination, position);
                    if (n <= 0)
                    {
                        throw new DicomFormatException($"'{path}' ended before the deferred value (it changed since it was opened)", position);
                    }

                    position += n;
                    destination = destination[n..];
                }
            }
            catch (IOException ex)
            {
                throw new DicomException($"Cannot read deferred value from '{path}': {ex.Message}", position, ex);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new DicomException($"Cannot read deferred value from '{path}': {ex.Message}", position, ex);
            }
        }
    }

    private sealed class StreamSource(Stream stream) : DicomValueSource
    {
        internal override void Read(long position, Span<byte> destination)
        {
            try
            {
                lock (stream)
                {
                    stream.Seek(position, SeekOrigin.Begin);
                    while (!destination.IsEmpty)
                    {
                        int n = stream.Read(destination);
                        if (n <= 0)
                        {
                            throw new DicomFormatException("The stream ended before the deferred value (it changed since it was read)", position);
                        }

                        position += n;
                        destination = destination[n..];
                    }
                }
            }
            catch (ObjectDisposedException ex)
            {
                throw new DicomException("The stream holding the deferred pixel data was closed; open the file by path, or with DeferPixelData = false.", position, ex);
            }
            catch (IOException ex)
            {
                throw new DicomException($"Cannot read deferred value: {ex.Message}", position, ex);
            }
        }
    }
}
