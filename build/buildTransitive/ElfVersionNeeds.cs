#nullable enable
#pragma warning disable IDE0161 // block namespace: the MSBuild task class below lives outside it
// The Debian 12 native fix for TorchSharp, shared by the build (compiled by RoslynCodeTaskFactory from
// buildTransitive/Blend.targets, in this repository and in every project that references the Blend package) and the
// core library (linked into src/Blend, where BLEND_CORE is defined, for TorchNative and `blend doctor`).
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Blend.NativeBuild
{
    /// <summary>Walks the GNU version-need table (.gnu.version_r) of an ELF64 little-endian image.</summary>
    internal static class ElfVersionNeeds
    {
        internal const ushort VerFlgWeak = 0x2;

        /// <summary>Byte offsets of the vna_flags fields of every need entry named <paramref name="version"/>; null when not ELF64 LE.</summary>
        internal static List<int>? FlagOffsets(byte[] f, string version)
        {
            if (f.Length < 64 || f[0] != 0x7f || f[1] != (byte)'E' || f[2] != (byte)'L' || f[3] != (byte)'F' || f[4] != 2 || f[5] != 1) return null;
            var found = new List<int>();
            long shoff = (long)BitConverter.ToUInt64(f, 0x28);
            int shentsize = BitConverter.ToUInt16(f, 0x3A), shnum = BitConverter.ToUInt16(f, 0x3C);
            for (int i = 0; i < shnum; i++)
            {
                int sh = checked((int)(shoff + (long)i * shentsize));
                if (BitConverter.ToUInt32(f, sh + 4) != 0x6ffffffe) continue; // SHT_GNU_verneed
                int vn = checked((int)BitConverter.ToUInt64(f, sh + 24));
                int link = (int)BitConverter.ToUInt32(f, sh + 40), count = (int)BitConverter.ToUInt32(f, sh + 44);
                int strOff = checked((int)BitConverter.ToUInt64(f, checked((int)(shoff + (long)link * shentsize)) + 24));
                for (int n = 0; n < count; n++)
                {
                    int aux = vn + (int)BitConverter.ToUInt32(f, vn + 8);
                    for (int a = 0, cnt = BitConverter.ToUInt16(f, vn + 2); a < cnt; a++)
                    {
                        int name = strOff + (int)BitConverter.ToUInt32(f, aux + 8);
                        int end = Array.IndexOf(f, (byte)0, name);
                        if (Encoding.ASCII.GetString(f, name, end - name) == version) found.Add(aux + 4);
                        aux += (int)BitConverter.ToUInt32(f, aux + 12);
                    }
                    vn += (int)BitConverter.ToUInt32(f, vn + 12);
                }
            }
            return found;
        }

        /// <summary>Sets VER_FLG_WEAK on every need entry named <paramref name="version"/>; returns how many changed, -1 when not ELF.</summary>
        internal static int Weaken(byte[] f, string version)
        {
            var offsets = FlagOffsets(f, version);
            if (offsets is null) return -1;
            int changed = 0;
            foreach (int at in offsets)
            {
                ushort flags = BitConverter.ToUInt16(f, at);
                if ((flags & VerFlgWeak) != 0) continue;
                flags |= VerFlgWeak;
                f[at] = (byte)(flags & 0xff);
                f[at + 1] = (byte)(flags >> 8);
                changed++;
            }
            return changed;
        }

        /// <summary>True when the system libstdc++ defines <paramref name="version"/> (or its location is unknown).</summary>
        internal static bool SystemLibStdCxxHas(string version)
        {
            var needle = Encoding.ASCII.GetBytes(version + "\0");
            foreach (var c in new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
                                      "/usr/lib64/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6" })
            {
                if (!File.Exists(c)) continue;
                var data = File.ReadAllBytes(c);
                for (int i = 0; i + needle.Length <= data.Length; i++)
                {
                    int j = 0;
                    while (j < needle.Length && data[i + j] == needle[j]) j++;
                    if (j == needle.Length) return true;
                }
                return false;
            }
            return true;
        }
    }
}

#if !BLEND_CORE
/// <summary>MSBuild task: weakens the GLIBCXX need in every libLibTorchSharp.so under a folder, where the system lacks it.</summary>
public sealed class BlendWeakenGlibcxxNeed : Microsoft.Build.Utilities.Task
{
    [Microsoft.Build.Framework.Required] public string Directory { get; set; } = "";
    [Microsoft.Build.Framework.Required] public string VersionName { get; set; } = "";
    [Microsoft.Build.Framework.Output] public string Patched { get; set; } = "";

    public override bool Execute()
    {
        if (!System.IO.Directory.Exists(Directory)) { Patched = "no output folder"; return true; }
        if (Blend.NativeBuild.ElfVersionNeeds.SystemLibStdCxxHas(VersionName)) { Patched = "not needed (system libstdc++ has " + VersionName + ")"; return true; }
        int changed = 0, seen = 0;
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories))
        {
            seen++;
            var bytes = File.ReadAllBytes(path);
            int n = Blend.NativeBuild.ElfVersionNeeds.Weaken(bytes, VersionName);
            if (n < 0) { Log.LogWarning("Blend native fix: {0} is not a 64-bit little-endian ELF file", path); continue; }
            if (n == 0) continue;
            string tmp = path + ".blend-tmp";
            File.WriteAllBytes(tmp, bytes);
            File.Replace(tmp, path, null); // atomic rename; never writes through a link into the package cache
            changed++;
        }
        Patched = seen == 0 ? "no libLibTorchSharp.so found" : changed > 0 ? "patched " + changed + " file(s)" : "already applied";
        return true;
    }
}
#endif
