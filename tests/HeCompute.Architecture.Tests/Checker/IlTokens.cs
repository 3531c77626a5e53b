using System.Reflection;
using System.Reflection.Emit;

namespace HeCompute.Architecture.Tests.Checker;

/// <summary>
/// Walks a method body's IL (ECMA-335 III) and resolves every metadata token it holds — the types, fields and methods a
/// body uses — so that a <c>new X()</c>, a static call or a <c>typeof</c> inside a body counts as a dependency even when no
/// signature mentions it.
/// </summary>
internal static class IlTokens
{
    private static readonly OpCode[] OneByte = new OpCode[256];
    private static readonly OpCode[] TwoByte = new OpCode[256];

    static IlTokens()
    {
        // The opcode table comes from the runtime's own list, so no hand-typed operand size can be wrong.
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            if (field.GetValue(null) is not OpCode op)
            {
                continue;
            }

            ushort value = unchecked((ushort)op.Value);
            if (op.Size == 1)
            {
                OneByte[value] = op;
            }
            else
            {
                TwoByte[value & 0xFF] = op;
            }
        }
    }

    /// <summary>The members (types, fields, methods) referenced by <paramref name="method"/>'s body; empty without a body.</summary>
    /// <exception cref="InvalidOperationException">An opcode the table does not know (corrupt or unsupported IL).</exception>
    internal static IEnumerable<MemberInfo> Referenced(MethodBase method, List<string> unresolved)
    {
        var body = method.GetMethodBody();
        byte[]? il = body?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        // Tokens in a generic type's or generic method's body refer to its own type parameters (!0, !!0): resolving them
        // needs that generic context.
        Type[]? typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        Type[]? methodArguments = method is MethodInfo { IsGenericMethod: true } ? method.GetGenericArguments() : null;
        var module = method.Module;
        int position = 0;
        while (position < il.Length)
        {
            int at = position;
            OpCode op = il[position] == 0xFE ? TwoByte[il[++position]] : OneByte[il[position]];
            position++;
            if (op.Size == 0)
            {
                throw new InvalidOperationException($"Unknown opcode 0x{il[at]:X2} at IL_{at:X4} in {method.DeclaringType}.{method.Name}");
            }

            switch (op.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    position += 1;
                    break;
                case OperandType.InlineVar:
                    position += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    position += 8;
                    break;
                case OperandType.InlineSwitch:
                    position += 4 + (4 * BitConverter.ToInt32(il, position));
                    break;
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType or OperandType.InlineTok:
                {
                    int token = BitConverter.ToInt32(il, position);
                    position += 4;
                    MemberInfo? member = Resolve(module, token, typeArguments, methodArguments, method, at, unresolved);
                    if (member is not null)
                    {
                        yield return member;
                    }

                    break;
                }

                default:
                    // InlineBrTarget, InlineI, ShortInlineR, InlineString (a string, not a member) and InlineSig (a calli
                    // signature: a function pointer call names no type the rules care about).
                    position += 4;
                    break;
            }
        }
    }

    private static MemberInfo? Resolve(Module module, int token, Type[]? typeArguments, Type[]? methodArguments, MethodBase method, int at, List<string> unresolved)
    {
        try
        {
            return module.ResolveMember(token, typeArguments, methodArguments);
        }
        catch (Exception ex) when (ex is ArgumentException or BadImageFormatException or FileNotFoundException or FileLoadException or TypeLoadException or MissingMemberException)
        {
            // Kept, not swallowed: a rule test fails when the checker could not see part of a body.
            unresolved.Add($"{method.DeclaringType}.{method.Name} IL_{at:X4} token 0x{token:X8}: {ex.GetType().Name}: {ex.Message}");
            return null;
        }
    }
}
