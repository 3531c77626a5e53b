using System.Diagnostics;
using System.Text.RegularExpressions;

namespace HeCompute.Ckks.Tests.Package;

/// <summary>
/// The NuGet package as a SEALNet user meets it: HeCompute.Ckks and HeCompute.Lattice packed into a local folder feed,
/// restored by a fresh project outside the repository (its own package cache, so nothing stale), and a SEALNet-style
/// CKKS program compiled and run against the package rather than the project.
/// </summary>
public sealed partial class PackageTests
{
    [GeneratedRegex(@"^HeCompute\.Ckks\.(?<version>.+)\.nupkg$")]
    private static partial Regex PackageFile();

    [Fact]
    public void ASealNetProgramRunsAgainstThePackedPackage()
    {
        var repository = RepositoryRoot();
        var work = Path.Combine(Path.GetTempPath(), "hecompute-package-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var feed = Path.Combine(work, "feed");
            foreach (var project in new[] { "HeCompute.Lattice", "HeCompute.Ckks" })
            {
                var packOutput = Dotnet(repository, "pack", Path.Combine(repository, "client-sdk", project, project + ".csproj"), "-c", "Release", "-o", feed, "-nologo", "-v", "q");

                // SourceLink runs only with a GitHub remote, so a clone without one packs without its warnings.
                Assert.DoesNotContain("has no remote", packOutput, StringComparison.Ordinal);
                Assert.DoesNotContain("Source control information is not available", packOutput, StringComparison.Ordinal);
            }

            var packages = Directory.GetFiles(feed).Select(Path.GetFileName).ToList();
            var version = packages.Select(name => PackageFile().Match(name!)).Single(m => m.Success).Groups["version"].Value;
            Assert.Contains($"HeCompute.Ckks.{version}.snupkg", packages);
            Assert.Contains($"HeCompute.Lattice.{version}.nupkg", packages);

            AssertMetadata(Path.Combine(feed, $"HeCompute.Ckks.{version}.nupkg"), repository);
            AssertMetadata(Path.Combine(feed, $"HeCompute.Lattice.{version}.nupkg"), repository);

            var app = Path.Combine(work, "app");
            Directory.CreateDirectory(app);
            File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="local" value="{feed}" />
                  </packageSources>
                  <config>
                    <add key="globalPackagesFolder" value="{Path.Combine(work, "packages")}" />
                  </config>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="HeCompute.Ckks" Version="{version}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), """
                using HeCompute.Ckks;

                using var parms = new EncryptionParameters(SchemeType.CKKS);
                parms.PolyModulusDegree = 8192;
                parms.CoeffModulus = CoeffModulus.Create(8192, new int[] { 60, 40, 40, 60 });
                using var context = new SEALContext(parms);
                using var keygen = new KeyGenerator(context);
                keygen.CreatePublicKey(out PublicKey publicKey);
                keygen.CreateRelinKeys(out RelinKeys relinKeys);
                using var encoder = new CKKSEncoder(context);
                using var encryptor = new Encryptor(context, publicKey);
                using var evaluator = new Evaluator(context);
                using var decryptor = new Decryptor(context, keygen.SecretKey);
                using var plain = new Plaintext();
                encoder.Encode(new double[] { 1.5, -2, 3 }, Math.Pow(2, 40), plain);
                using var encrypted = new Ciphertext();
                encryptor.Encrypt(plain, encrypted);
                evaluator.SquareInplace(encrypted);
                evaluator.RelinearizeInplace(encrypted, relinKeys);
                evaluator.RescaleToNextInplace(encrypted);
                decryptor.Decrypt(encrypted, plain);
                var result = new List<double>();
                encoder.Decode(plain, result);
                Console.WriteLine(string.Join(" ", result.Take(3).Select(v => Math.Round(v, 3).ToString(System.Globalization.CultureInfo.InvariantCulture))));
                Console.WriteLine(typeof(SEALContext).Assembly.Location);
                """);

            var output = Dotnet(app, "run", "-c", "Release", "-nologo").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Equal("2.25 4 9", output[^2]);
            // The assembly the program ran is the one restored from the package, which also carries the README.
            var restored = Path.Combine(work, "packages", "hecompute.ckks", version.ToLowerInvariant());
            Assert.Equal(File.ReadAllBytes(Path.Combine(restored, "lib", "net10.0", "HeCompute.Ckks.dll")), File.ReadAllBytes(output[^1]));
            Assert.True(File.Exists(Path.Combine(restored, "README.md")));
            Assert.True(File.Exists(Path.Combine(restored, "lib", "net10.0", "HeCompute.Ckks.xml")));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// The nuspec's license is the repository's MIT expression, and its repository address is the git remote's when
    /// the clone has a GitHub remote, and absent otherwise (never an address written into the project).
    /// </summary>
    private static void AssertMetadata(string package, string repository)
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(package);
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var reader = new StreamReader(entry.Open());
        var nuspec = System.Xml.Linq.XDocument.Parse(reader.ReadToEnd());
        var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        var license = metadata.Elements().Single(e => e.Name.LocalName == "license");
        Assert.Equal(("expression", "MIT"), ((string?)license.Attribute("type"), license.Value));
        Assert.Contains("MIT License", File.ReadAllText(Path.Combine(repository, "LICENSE")), StringComparison.Ordinal);

        var url = (string?)metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "repository")?.Attribute("url");
        var remotes = Dotnet(repository, "msbuild", Path.Combine(repository, "client-sdk", "HeCompute.Ckks", "HeCompute.Ckks.csproj"), "-getProperty:HeComputeSourceLink", "-nologo").Trim();
        if (remotes == "true")
        {
            Assert.Matches("github.com", url ?? string.Empty);
        }
        else
        {
            Assert.Null(url);
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "HeCompute.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("The repository root (HeCompute.sln) is not above the test's folder.");
    }

    private static string Dotnet(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host's MSBuild settings must not leak into the nested builds.
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        start.Environment.Remove("MSBuildSDKsPath");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(8)), $"dotnet {string.Join(' ', arguments)} did not finish");
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{stdout}\n{stderr.Result}");
        return stdout;
    }
}
