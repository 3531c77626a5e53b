using System.Reflection;
using System.Runtime.CompilerServices;

namespace HeCompute.Architecture.Tests.Checker;

/// <summary>Where a dependency comes from.</summary>
internal enum Use
{
    /// <summary>Base type, interface, generic constraint, attribute.</summary>
    Declaration,

    /// <summary>Field, property or event type.</summary>
    Member,

    /// <summary>A parameter or return type of a method or constructor that is not private (what callers see).</summary>
    VisibleSignature,

    /// <summary>A parameter or return type of a private method or constructor.</summary>
    PrivateSignature,

    /// <summary>A local, a catch clause or an IL token in a method body.</summary>
    Body,
}

/// <summary>One use of <see cref="Target"/> by <see cref="Source"/>; <see cref="Site"/> says where (for the failure message).</summary>
internal sealed record Dependency(Type Source, Type Target, Use Use, string Site);

/// <summary>
/// Every type a type uses, by reflection: base type and interfaces, generic constraints, attributes (with their
/// <c>typeof</c> arguments), fields, properties, events, method and constructor signatures, and method bodies (locals,
/// catch clauses and every token in the IL). Constructed generics count for their definition and every argument, arrays,
/// pointers and by-refs for their element type. Compiler-generated nested types (closures, iterators, async state
/// machines) are folded into the type whose code they hold.
/// </summary>
internal static class Dependencies
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>The types of <paramref name="assembly"/> the rules judge: everything the compiler did not generate or embed.</summary>
    internal static IEnumerable<Type> SourceTypes(Assembly assembly) =>
        assembly.GetTypes().Where(t => !IsEmbedded(t) && Owner(t) == t);

    /// <summary>All dependencies of the assembly's types, with tokens the checker could not resolve in <paramref name="unresolved"/>.</summary>
    internal static List<Dependency> Of(Assembly assembly, List<string> unresolved)
    {
        var result = new List<Dependency>();
        foreach (var type in assembly.GetTypes())
        {
            if (IsEmbedded(type))
            {
                continue;
            }

            Collect(type, Owner(type), result, unresolved);
        }

        return result;
    }

    /// <summary>The type whose code a compiler-generated nested type holds (itself for every other type).</summary>
    internal static Type Owner(Type type)
    {
        while (type.DeclaringType is { } declaring && IsGenerated(type))
        {
            type = declaring;
        }

        return type;
    }

    /// <summary>The namespace a type is judged by: a nested type's is its outermost declaring type's.</summary>
    internal static string NamespaceOf(Type type) => Definition(type).Namespace ?? string.Empty;

    /// <summary>How a type appears in messages: <c>Outer+Inner</c>, generic definitions without arguments.</summary>
    internal static string NameOf(Type type)
    {
        type = Definition(type);
        string name = type.Name;
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        name = tick < 0 ? name : name[..tick];
        return type.DeclaringType is { } declaring ? $"{NameOf(declaring)}+{name}" : name;
    }

    private static Type Definition(Type type) => type.IsGenericType && !type.IsGenericTypeDefinition ? type.GetGenericTypeDefinition() : type;

    private static bool IsGenerated(Type type) =>
        type.Name.StartsWith('<') || type.IsDefined(typeof(CompilerGeneratedAttribute), false);

    private static bool IsEmbedded(Type type)
    {
        // Attributes such as NullableAttribute that the compiler embeds into every assembly, <Module>,
        // <PrivateImplementationDetails> with its nested array-initializer types, and anonymous and collection-expression
        // types (<>f__AnonymousType0, <>z__ReadOnlyArray): no code of the program lives in them. File-local types
        // (<File>F…__Name) are program code and stay.
        while (type.DeclaringType is { } declaring)
        {
            type = declaring;
        }

        return type.Name == "<Module>" || type.Name.StartsWith("<PrivateImplementationDetails>", StringComparison.Ordinal)
            || type.Name.StartsWith("<>", StringComparison.Ordinal)
            || type.GetCustomAttributesData().Any(a => a.AttributeType.FullName == "Microsoft.CodeAnalysis.EmbeddedAttribute");
    }

    private static void Collect(Type type, Type owner, List<Dependency> into, List<string> unresolved)
    {
        void Add(Type? target, string site, Use use)
        {
            foreach (var t in Expand(target))
            {
                into.Add(new Dependency(owner, t, use, site));
            }
        }

        void Attributes(IEnumerable<CustomAttributeData> attributes, string site)
        {
            foreach (var a in attributes)
            {
                Add(a.AttributeType, $"attribute on {site}", Use.Declaration);
                foreach (var argument in a.ConstructorArguments.Concat(a.NamedArguments.Select(n => n.TypedValue)))
                {
                    Add(argument.Value as Type, $"attribute argument on {site}", Use.Declaration);
                }
            }
        }

        string typeName = NameOf(type);
        Add(type.BaseType, "base type", Use.Declaration);
        foreach (var i in type.GetInterfaces())
        {
            Add(i, "interface", Use.Declaration);
        }

        Attributes(type.GetCustomAttributesData(), typeName);
        if (type.IsGenericTypeDefinition)
        {
            foreach (var p in type.GetGenericArguments())
            {
                foreach (var c in p.GetGenericParameterConstraints())
                {
                    Add(c, $"constraint on {typeName}<{p.Name}>", Use.Declaration);
                }
            }
        }

        foreach (var field in type.GetFields(Declared))
        {
            Add(field.FieldType, $"field {typeName}.{field.Name}", Use.Member);
            Attributes(field.GetCustomAttributesData(), $"{typeName}.{field.Name}");
        }

        foreach (var property in type.GetProperties(Declared))
        {
            Add(property.PropertyType, $"property {typeName}.{property.Name}", Use.Member);
            Attributes(property.GetCustomAttributesData(), $"{typeName}.{property.Name}");
        }

        foreach (var e in type.GetEvents(Declared))
        {
            Add(e.EventHandlerType, $"event {typeName}.{e.Name}", Use.Member);
        }

        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            string name = $"{typeName}.{method.Name}";
            // Lambdas, local functions and state machines compile to internal members, but no caller can name them.
            bool hidden = method.IsPrivate || type != owner || method.Name.StartsWith('<');
            var signature = hidden ? Use.PrivateSignature : Use.VisibleSignature;
            Attributes(method.GetCustomAttributesData(), name);
            if (method is MethodInfo info)
            {
                Add(info.ReturnType, $"return of {name}", signature);
                Attributes(info.ReturnParameter.GetCustomAttributesData(), $"return of {name}");
                if (info.IsGenericMethodDefinition)
                {
                    foreach (var c in info.GetGenericArguments().SelectMany(p => p.GetGenericParameterConstraints()))
                    {
                        Add(c, $"constraint on {name}", Use.Declaration);
                    }
                }
            }

            foreach (var parameter in method.GetParameters())
            {
                Add(parameter.ParameterType, $"parameter {parameter.Name} of {name}", signature);
                Attributes(parameter.GetCustomAttributesData(), $"parameter {parameter.Name} of {name}");
            }

            Body(method, name, Add, unresolved);
        }
    }

    private static void Body(MethodBase method, string name, Action<Type?, string, Use> add, List<string> unresolved)
    {
        var body = method.GetMethodBody();
        if (body is null)
        {
            return;
        }

        string site = $"body of {name}";
        foreach (var local in body.LocalVariables)
        {
            add(local.LocalType, site, Use.Body);
        }

        foreach (var clause in body.ExceptionHandlingClauses)
        {
            if (clause.Flags == ExceptionHandlingClauseOptions.Clause)
            {
                add(clause.CatchType, site, Use.Body);
            }
        }

        foreach (var member in IlTokens.Referenced(method, unresolved))
        {
            switch (member)
            {
                case Type t:
                    add(t, site, Use.Body);
                    break;
                case FieldInfo f:
                    add(f.DeclaringType, site, Use.Body);
                    add(f.FieldType, site, Use.Body);
                    break;
                case MethodBase m:
                    // Calling a member needs its declaring type and every type in its signature (the compiler needs them
                    // all), and the type arguments of a generic method instance.
                    add(m.DeclaringType, site, Use.Body);
                    if (m is MethodInfo mi)
                    {
                        add(mi.ReturnType, site, Use.Body);
                        if (mi.IsGenericMethod)
                        {
                            foreach (var argument in mi.GetGenericArguments())
                            {
                                add(argument, site, Use.Body);
                            }
                        }
                    }

                    foreach (var p in m.GetParameters())
                    {
                        add(p.ParameterType, site, Use.Body);
                    }

                    break;
            }
        }
    }

    /// <summary>The named types inside a type expression (generic definitions and arguments, element types).</summary>
    private static IEnumerable<Type> Expand(Type? type)
    {
        if (type is null || type.IsGenericParameter)
        {
            yield break;
        }

        if (type.HasElementType)
        {
            foreach (var t in Expand(type.GetElementType()))
            {
                yield return t;
            }

            yield break;
        }

        if (type.IsFunctionPointer)
        {
            foreach (var t in type.GetFunctionPointerParameterTypes().Append(type.GetFunctionPointerReturnType()).SelectMany(Expand))
            {
                yield return t;
            }

            yield break;
        }

        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            yield return type.GetGenericTypeDefinition();
            foreach (var t in type.GetGenericArguments().SelectMany(Expand))
            {
                yield return t;
            }

            yield break;
        }

        yield return type;
    }
}
