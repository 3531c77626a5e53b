using System.Reflection;
using System.Runtime.InteropServices;

namespace HeCompute.Dicom.Codecs.OpenJpeg;

/// <summary>The part of OpenJPEG's C API (openjpeg.h, 2.5) the decoder calls. The library is loaded on the first
/// decode only, so nothing that merely references HeCompute.Dicom (nor a registry holding the codec) needs it.</summary>
internal static partial class OpenJpegNative
{
    /// <summary>The shared object Debian's <c>libopenjp2-7</c> installs.</summary>
    internal const string LibraryName = "libopenjp2.so.7";

    /// <summary>The Debian package that provides <see cref="LibraryName"/>.</summary>
    internal const string DebianPackage = "libopenjp2-7";

    internal const int CodecJ2k = 0;
    internal const int CodecJp2 = 2;

    private static readonly Lazy<string?> LoadError = new(() => Load(LibraryName), LazyThreadSafetyMode.ExecutionAndPublication);
    private static nint _handle;

    /// <summary>Loads the library once and binds the imports below to it.</summary>
    /// <exception cref="DicomCodecException">The library is not installed; the message names the package.</exception>
    internal static void EnsureLoaded()
    {
        if (LoadError.Value is { } error)
        {
            throw new DicomCodecException(error);
        }
    }

    /// <summary>Tries to load <paramref name="fileName"/>; returns null on success, else the message a user should see.
    /// Only the first successful load binds the imports (a later call with another name just probes it).</summary>
    internal static string? Load(string fileName)
    {
        if (!NativeLibrary.TryLoad(fileName, typeof(OpenJpegNative).Assembly, DllImportSearchPath.SafeDirectories | DllImportSearchPath.System32, out nint handle))
        {
            return $"JPEG 2000 and HTJ2K pixel data is decoded with OpenJPEG, but {fileName} could not be loaded: " +
                $"install the Debian package '{DebianPackage}' (apt-get install {DebianPackage}), or the OpenJPEG 2.5 library of your system.";
        }

        if (fileName == LibraryName && Interlocked.CompareExchange(ref _handle, handle, 0) == 0)
        {
            NativeLibrary.SetDllImportResolver(typeof(OpenJpegNative).Assembly, Resolve);
        }

        return null;
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == LibraryName ? _handle : 0;

    [LibraryImport(LibraryName, EntryPoint = "opj_stream_create")]
    internal static partial nint StreamCreate(nuint bufferSize, int isInput);

    [LibraryImport(LibraryName, EntryPoint = "opj_stream_destroy")]
    internal static partial void StreamDestroy(nint stream);

    [LibraryImport(LibraryName, EntryPoint = "opj_stream_set_read_function")]
    internal static unsafe partial void StreamSetReadFunction(nint stream, delegate* unmanaged<nint, nuint, nint, nuint> read);

    [LibraryImport(LibraryName, EntryPoint = "opj_stream_set_skip_function")]
    internal static unsafe partial void StreamSetSkipFunction(nint stream, delegate* unmanaged<long, nint, long> skip);

    [LibraryImport(LibraryName, EntryPoint = "opj_stream_set_seek_function")]
    internal static unsafe partial void StreamSetSeekFunction(nint stream, delegate* unmanaged<long, nint, int> seek);

    [LibraryImport(LibraryName, EntryPoint = "opj_stream_set_user_data")]
    internal static partial void StreamSetUserData(nint stream, nint data, nint free);

    [LibraryImport(LibraryName, EntryPoint = "opj_stream_set_user_data_length")]
    internal static partial void StreamSetUserDataLength(nint stream, ulong length);

    [LibraryImport(LibraryName, EntryPoint = "opj_create_decompress")]
    internal static partial nint CreateDecompress(int format);

    [LibraryImport(LibraryName, EntryPoint = "opj_destroy_codec")]
    internal static partial void DestroyCodec(nint codec);

    [LibraryImport(LibraryName, EntryPoint = "opj_set_default_decoder_parameters")]
    internal static unsafe partial void SetDefaultDecoderParameters(DecoderParameters* parameters);

    [LibraryImport(LibraryName, EntryPoint = "opj_setup_decoder")]
    internal static unsafe partial int SetupDecoder(nint codec, DecoderParameters* parameters);

    [LibraryImport(LibraryName, EntryPoint = "opj_decoder_set_strict_mode")]
    internal static partial int SetStrictMode(nint codec, int strict);

    [LibraryImport(LibraryName, EntryPoint = "opj_set_error_handler")]
    internal static unsafe partial int SetErrorHandler(nint codec, delegate* unmanaged<nint, nint, void> handler, nint clientData);

    [LibraryImport(LibraryName, EntryPoint = "opj_set_warning_handler")]
    internal static unsafe partial int SetWarningHandler(nint codec, delegate* unmanaged<nint, nint, void> handler, nint clientData);

    [LibraryImport(LibraryName, EntryPoint = "opj_set_info_handler")]
    internal static unsafe partial int SetInfoHandler(nint codec, delegate* unmanaged<nint, nint, void> handler, nint clientData);

    [LibraryImport(LibraryName, EntryPoint = "opj_read_header")]
    internal static unsafe partial int ReadHeader(nint stream, nint codec, Image** image);

    [LibraryImport(LibraryName, EntryPoint = "opj_decode")]
    internal static unsafe partial int Decode(nint codec, nint stream, Image* image);

    [LibraryImport(LibraryName, EntryPoint = "opj_end_decompress")]
    internal static partial int EndDecompress(nint codec, nint stream);

    [LibraryImport(LibraryName, EntryPoint = "opj_image_destroy")]
    internal static unsafe partial void ImageDestroy(Image* image);

    /// <summary>opj_dparameters_t: only filled by <see cref="SetDefaultDecoderParameters"/> and handed back.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct DecoderParameters
    {
        private const int PathLength = 4096; // OPJ_PATH_LEN

        public uint Reduce;
        public uint Layer;
        public fixed byte InFile[PathLength];
        public fixed byte OutFile[PathLength];
        public int DecodeFormat;
        public int CodeFormat;
        public uint AreaX0;
        public uint AreaX1;
        public uint AreaY0;
        public uint AreaY1;
        public int Verbose;
        public uint TileIndex;
        public uint TilesToDecode;
        public int JpwlCorrect;
        public int JpwlExpectedComponents;
        public int JpwlMaxTiles;
        public uint Flags;
    }

    /// <summary>opj_image_t.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct Image
    {
        public uint X0;
        public uint Y0;
        public uint X1;
        public uint Y1;
        public uint ComponentCount;
        public int ColorSpace;
        public ImageComponent* Components;
        public byte* IccProfile;
        public uint IccProfileLength;
    }

    /// <summary>opj_image_comp_t.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct ImageComponent
    {
        public uint Dx;
        public uint Dy;
        public uint Width;
        public uint Height;
        public uint X0;
        public uint Y0;
        public uint Precision;
        public uint Bpp; // deprecated in 2.5, kept for the layout
        public uint Signed;
        public uint ResolutionsDecoded;
        public uint Factor;
        public int* Data;
        public ushort Alpha;
    }
}
