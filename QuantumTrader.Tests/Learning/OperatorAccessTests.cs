using QuantumTrader.Models.Audit;

namespace QuantumTrader.Tests.Learning;

public class OperatorAccessTests
{
    private const string File = "ops-access.txt";
    private static readonly string AliceToken = OperatorAccess.NewToken();
    private static readonly string BobToken = OperatorAccess.NewToken();

    private static readonly string Text =
        "# who may steer the node\n" +
        $"alice operate {OperatorAccess.HashOf(AliceToken)}\n" +
        "\n" +
        $"bob    READ   {OperatorAccess.HashOf(BobToken)}   # the desk's read-only seat\n";

    [Fact]
    public void Each_line_names_an_operator_a_role_and_the_hash_of_a_token_and_comments_are_skipped()
    {
        var access = OperatorAccess.Parse(File, Text);

        Assert.Equal([("alice", OperatorRole.Operate), ("bob", OperatorRole.Read)], access.Grants.Select(g => (g.Name, g.Role)));
        Assert.DoesNotContain(access.Grants, g => g.TokenHash.Contains(AliceToken, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("alice operate", 1, "line", "expected 'NAME ROLE sha256:HEX', got 2 field(s)")]
    [InlineData("al ice operate sha256:00", 1, "line", "got 4 field(s)")]
    [InlineData("-alice operate HASH", 1, "name", "is not an operator name")]
    [InlineData("alice admin HASH", 1, "role", "'admin' is not a role; the roles are read and operate")]
    [InlineData("alice 1 HASH", 1, "role", "'1' is not a role")]
    [InlineData("alice operate 1234", 1, "hash", "expected sha256: and 64 lower-case hex digits")]
    [InlineData("# one\nalice operate HASH\nALICE read HASH2", 3, "name", "'ALICE' is named twice")]
    [InlineData("alice operate HASH\nbob read HASH", 2, "hash", "the same token is given to two operators")]
    public void A_bad_line_is_refused_naming_the_file_the_line_the_field_and_why(string text, int line, string field, string reason)
    {
        text = text.Replace("HASH2", OperatorAccess.HashOf("other"), StringComparison.Ordinal).Replace("HASH", OperatorAccess.HashOf("token"), StringComparison.Ordinal);

        var ex = Assert.Throws<OperatorAccessException>(() => OperatorAccess.Parse(File, text));

        Assert.Equal((File, line, field), (ex.File, ex.Line, ex.Field));
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
        Assert.StartsWith($"{File}:{line}: field '{field}': ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Anyone_with_a_known_token_reads_only_an_operate_token_gives_commands_and_the_check_names_the_operator()
    {
        var access = OperatorAccess.Parse(File, Text);

        Assert.Equal(new AccessCheck("bob", OperatorRole.Read, AccessRefusal.None, null), access.Check(BobToken, command: false));
        Assert.Equal(new AccessCheck("alice", OperatorRole.Operate, AccessRefusal.None, null), access.Check(AliceToken, command: true));
        var forbidden = access.Check(BobToken, command: true);
        Assert.Equal(("bob", OperatorRole.Read, AccessRefusal.Forbidden), (forbidden.Operator, forbidden.Role, forbidden.Refusal));
        Assert.Contains("role operate", forbidden.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "needs an access token")]
    [InlineData("", "needs an access token")]
    [InlineData("qt_not-a-token-of-this-node", "is not in the node's access file")]
    public void A_request_without_a_known_token_is_not_let_in(string? token, string reason)
    {
        var check = OperatorAccess.Parse(File, Text).Check(token, command: false);

        Assert.Equal((null, null, AccessRefusal.Unauthenticated, false), (check.Operator, check.Role, check.Refusal, check.Allowed));
        Assert.Contains(reason, check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Adding_an_operator_appends_a_line_the_file_reads_back_and_removing_keeps_the_others_and_the_comments()
    {
        var carol = OperatorAccess.NewToken();
        var added = OperatorAccess.With(File, Text.TrimEnd('\n'), new OperatorGrant("carol", OperatorRole.Operate, OperatorAccess.HashOf(carol)));

        Assert.Equal("carol", OperatorAccess.Parse(File, added).Check(carol, command: true).Operator);

        var removed = OperatorAccess.Without(File, added, "ALICE");
        var left = OperatorAccess.Parse(File, removed);
        Assert.Equal(["bob", "carol"], left.Grants.Select(g => g.Name));
        Assert.Equal(AccessRefusal.Unauthenticated, left.Check(AliceToken, command: false).Refusal);
        Assert.StartsWith("# who may steer the node", removed, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_or_token_already_in_the_file_is_not_added_and_an_unknown_name_is_not_removed()
    {
        var twice = Assert.Throws<OperatorAccessException>(() =>
            OperatorAccess.With(File, Text, new OperatorGrant("Bob", OperatorRole.Read, OperatorAccess.HashOf("new"))));
        Assert.Equal((5, "name"), (twice.Line, twice.Field));

        var sameToken = Assert.Throws<OperatorAccessException>(() =>
            OperatorAccess.With(File, Text, new OperatorGrant("carol", OperatorRole.Read, OperatorAccess.HashOf(AliceToken))));
        Assert.Equal("hash", sameToken.Field);

        var unknown = Assert.Throws<OperatorAccessException>(() => OperatorAccess.Without(File, Text, "mallory"));
        Assert.Contains("the file names alice, bob", unknown.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Tokens_are_random_and_only_their_hash_is_written()
    {
        var tokens = Enumerable.Range(0, 100).Select(_ => OperatorAccess.NewToken()).ToArray();

        Assert.Equal(100, tokens.Distinct(StringComparer.Ordinal).Count());
        Assert.All(tokens, t => Assert.Matches("^qt_[A-Za-z0-9_-]{43}$", t));
        Assert.Matches("^sha256:[0-9a-f]{64}$", OperatorAccess.HashOf(tokens[0]));
        Assert.Equal("dave read " + OperatorAccess.HashOf(tokens[0]), OperatorAccess.LineOf(new OperatorGrant("dave", OperatorRole.Read, OperatorAccess.HashOf(tokens[0]))));
    }
}
