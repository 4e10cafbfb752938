namespace Grokking.Grains.Specs;

/// <summary>How a spec field's YAML text is read.</summary>
internal enum SpecFieldType
{
    Integer,
    Number,
    Choice,
    Text,
    Boolean,
}
