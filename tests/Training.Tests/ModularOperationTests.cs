using Grokking.Training.Tasks;

namespace Grokking.Training.Tests;

public class ModularOperationTests
{
    // Hand-computed for p = 7, x = 3, y = 5 (inverse of 5 mod 7 is 3) and x = 3, y = 4 for the odd/even rule.
    [Theory]
    [InlineData("x+y", 3, 5, 1)]
    [InlineData("x-y", 3, 5, 5)]
    [InlineData("x/y", 3, 5, 2)]
    [InlineData("x/y if y odd else x-y", 3, 5, 2)]
    [InlineData("x/y if y odd else x-y", 3, 4, 6)]
    [InlineData("x^2+y^2", 3, 5, 6)]
    [InlineData("x^2+xy+y^2", 3, 5, 0)]
    [InlineData("x^2+xy+y^2+x", 3, 5, 3)]
    [InlineData("x^3+xy", 3, 5, 0)]
    [InlineData("x^3+xy^2+y", 3, 5, 2)]
    [InlineData("x^3+xy^2+y", 6, 6, 4)]
    public void Operation_table_matches_hand_computed_values(string operation, int x, int y, int expected)
    {
        var table = ModularTask.Equations(operation, 7);
        Assert.Equal(expected, table.Single(e => e.X == x && e.Y == y).Z);
    }

    [Fact]
    public void Division_skips_y_zero_and_covers_every_other_pair()
    {
        var table = ModularTask.Equations("x/y", 97);
        Assert.Equal(97 * 96, table.Count);
        Assert.DoesNotContain(table, e => e.Y == 0);
        Assert.All(table, e => Assert.Equal(e.X, e.Z * e.Y % 97));
    }

    [Fact]
    public void Division_with_a_composite_modulus_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => ModularTask.Equations("x/y", 12));
        Assert.Contains("prime", error.Message);
    }

    [Fact]
    public void S5_has_120_elements_and_composition_applies_the_right_factor_first()
    {
        Assert.Equal(120, ModularTask.Permutations().Distinct(new SequenceComparer()).Count());
        int[] swap01 = [1, 0, 2, 3, 4], swap12 = [0, 2, 1, 3, 4];
        Assert.Equal([1, 2, 0, 3, 4], ModularTask.Compose(swap01, swap12));
    }

    [Theory]
    [InlineData("s5:x*y")]
    [InlineData("s5:x*y*x^-1")]
    [InlineData("s5:x*y*x")]
    public void S5_tables_are_complete_and_identity_behaves(string operation)
    {
        var table = ModularTask.Equations(operation, 0);
        Assert.Equal(120 * 120, table.Count);
        // Permutation 0 is the identity: e*y = y, e*y*e^-1 = y, e*y*e = y.
        Assert.All(table.Where(e => e.X == 0), e => Assert.Equal(e.Y, e.Z));
    }

    [Fact]
    public void Conjugation_is_x_y_x_inverse()
    {
        var perms = ModularTask.Permutations();
        var table = ModularTask.Equations("s5:x*y*x^-1", 0);
        var (x, y, z) = table[17 * 120 + 42];
        var expected = ModularTask.Compose(ModularTask.Compose(perms[x], perms[y]), ModularTask.Invert(perms[x]));
        Assert.Equal(expected, perms[z]);
    }

    private sealed class SequenceComparer : IEqualityComparer<int[]>
    {
        public bool Equals(int[]? a, int[]? b) => a!.SequenceEqual(b!);

        public int GetHashCode(int[] a) => string.Concat(a).GetHashCode();
    }
}
