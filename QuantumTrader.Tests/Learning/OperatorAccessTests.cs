using QuantumTrader.Models.Audit;

namespace QuantumTrader.Tests.Learning;

public class OperatorAccessTests
{
    private const string File = "ops-access.txt";
    private static readonly string AliceToken = OperatorAccess.NewToken();
    private static readonly string BobToken = OperatorAccess.NewToken();
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 15, 0, 0, TimeSpan.Zero);

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
    [InlineData("alice operate", 1, "line", "expected 'NAME ROLE sha256:HEX [expires=UTC-TIME]', got 2 field(s)")]
    [InlineData("al ice operate HASH expires=2027-01-01T00:00:00Z", 1, "line", "got 5 field(s)")]
    [InlineData("alice operate HASH 2027-01-01", 1, "expires", "expected expires= and a UTC time such as 2027-03-01T00:00:00Z, got '2027-01-01'")]
    [InlineData("alice operate HASH expires=2027-01-01", 1, "expires", "got 'expires=2027-01-01'")]
    [InlineData("alice operate HASH expires=2027-13-01T00:00:00Z", 1, "expires", "got 'expires=2027-13-01T00:00:00Z'")]
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

        Assert.Equal(new AccessCheck("bob", OperatorRole.Read, AccessRefusal.None, null), access.Check(BobToken, command: false, Now));
        Assert.Equal(new AccessCheck("alice", OperatorRole.Operate, AccessRefusal.None, null), access.Check(AliceToken, command: true, Now));
        var forbidden = access.Check(BobToken, command: true, Now);
        Assert.Equal(("bob", OperatorRole.Read, AccessRefusal.Forbidden), (forbidden.Operator, forbidden.Role, forbidden.Refusal));
        Assert.Contains("role operate", forbidden.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "needs an access token")]
    [InlineData("", "needs an access token")]
    [InlineData("qt_not-a-token-of-this-node", "is not in the node's access file")]
    public void A_request_without_a_known_token_is_not_let_in(string? token, string reason)
    {
        var check = OperatorAccess.Parse(File, Text).Check(token, command: false, Now);

        Assert.Equal((null, null, AccessRefusal.Unauthenticated, false), (check.Operator, check.Role, check.Refusal, check.Allowed));
        Assert.Contains(reason, check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Adding_an_operator_appends_a_line_the_file_reads_back_and_removing_keeps_the_others_and_the_comments()
    {
        var carol = OperatorAccess.NewToken();
        var added = OperatorAccess.With(File, Text.TrimEnd('\n'), new OperatorGrant("carol", OperatorRole.Operate, OperatorAccess.HashOf(carol)));

        Assert.Equal("carol", OperatorAccess.Parse(File, added).Check(carol, command: true, Now).Operator);

        var removed = OperatorAccess.Without(File, added, "ALICE");
        var left = OperatorAccess.Parse(File, removed);
        Assert.Equal(["bob", "carol"], left.Grants.Select(g => g.Name));
        Assert.Equal(AccessRefusal.Unauthenticated, left.Check(AliceToken, command: false, Now).Refusal);
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

    [Fact]
    public void A_token_is_accepted_until_the_second_it_expires_and_the_refusal_says_how_to_get_a_new_one()
    {
        var expires = Now.AddHours(1);
        var access = OperatorAccess.Parse(File, $"alice operate {OperatorAccess.HashOf(AliceToken)} expires={OperatorAccess.Utc(expires)}\n");

        Assert.Equal(new AccessCheck("alice", OperatorRole.Operate, AccessRefusal.None, null, expires), access.Check(AliceToken, command: true, expires.AddTicks(-1)));
        var expired = access.Check(AliceToken, command: false, expires);
        Assert.Equal((null, AccessRefusal.Unauthenticated), (expired.Operator, expired.Refusal));
        Assert.Equal("the access token of alice expired at 2026-12-07T16:00:00Z; 'qt access rotate --name alice' gives a new one", expired.Reason);
    }

    [Fact]
    public void Rotating_gives_the_operator_a_new_token_and_expiry_keeping_the_role_the_comment_and_the_other_lines()
    {
        var next = OperatorAccess.NewToken();
        var expires = Now.AddDays(30);

        var rotated = OperatorAccess.Rotated(File, Text, "BOB", OperatorAccess.HashOf(next), expires);

        var access = OperatorAccess.Parse(File, rotated);
        Assert.Equal(AccessRefusal.Unauthenticated, access.Check(BobToken, command: false, Now).Refusal);
        Assert.Equal(new AccessCheck("bob", OperatorRole.Read, AccessRefusal.None, null, expires), access.Check(next, command: false, Now));
        Assert.Equal("alice", access.Check(AliceToken, command: true, Now).Operator);
        Assert.Contains($"bob read {OperatorAccess.HashOf(next)} expires=2027-01-06T15:00:00Z # the desk's read-only seat", rotated, StringComparison.Ordinal);
        Assert.Null(OperatorAccess.Parse(File, OperatorAccess.Rotated(File, rotated, "bob", OperatorAccess.HashOf(BobToken), null)).Grants[1].Expires);

        var unknown = Assert.Throws<OperatorAccessException>(() => OperatorAccess.Rotated(File, Text, "mallory", OperatorAccess.HashOf(next), null));
        Assert.Contains("no operator named 'mallory'", unknown.Reason, StringComparison.Ordinal);
        var taken = Assert.Throws<OperatorAccessException>(() => OperatorAccess.Rotated(File, Text, "bob", OperatorAccess.HashOf(AliceToken), null));
        Assert.Equal("hash", taken.Field);
    }

    [Theory]
    [InlineData("90d", "2027-03-07T15:00:00Z")]
    [InlineData("12h", "2026-12-08T03:00:00Z")]
    [InlineData("1.5d", "2026-12-09T03:00:00Z")]
    [InlineData("2027-03-01", "2027-03-01T00:00:00Z")]
    [InlineData("2027-03-01T09:30:15.9Z", "2027-03-01T09:30:15Z")]
    [InlineData("2027-03-01T09:30:00+02:00", "2027-03-01T07:30:00Z")]
    public void An_expiry_is_given_in_days_or_hours_from_now_or_as_a_utc_time_and_kept_to_the_second(string text, string expected)
    {
        var (expires, problem) = OperatorAccess.ExpiryOf(text, Now);

        Assert.Null(problem);
        Assert.Equal(expected, OperatorAccess.Utc(expires!.Value));
    }

    [Theory]
    [InlineData("0d", "is not in the future")]
    [InlineData("2026-12-01", "is not in the future (now is 2026-12-07T15:00:00Z)")]
    [InlineData("-3d", "is neither a number of days or hours")]
    [InlineData("soon", "is neither a number of days or hours")]
    [InlineData("90", "is neither a number of days or hours")]
    public void An_expiry_that_cannot_be_read_or_is_past_is_refused_with_the_reason(string text, string reason)
    {
        var (expires, problem) = OperatorAccess.ExpiryOf(text, Now);

        Assert.Null(expires);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_within_a_week_of_its_expiry_is_named_in_a_warning_and_one_further_away_or_expired_is_not()
    {
        var now = new DateTimeOffset(2027, 1, 10, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal("the access token of carol expires at 2027-01-13T00:00:00Z, in 2.5 days; 'qt access rotate --name carol' gives a new one",
            OperatorAccess.ExpiryWarning("carol", now.AddDays(2.5), now));
        Assert.NotNull(OperatorAccess.ExpiryWarning("carol", now.AddDays(7), now));
        Assert.Null(OperatorAccess.ExpiryWarning("carol", now.AddDays(7).AddSeconds(1), now));
        Assert.Null(OperatorAccess.ExpiryWarning("carol", now, now));
        Assert.Null(OperatorAccess.ExpiryWarning("carol", null, now));
    }
}
