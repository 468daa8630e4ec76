using System.Text;
using System.Text.Json;

namespace QuantumTrader.Models.Market;

/// <summary>One JSON token; <see cref="Text"/> holds the raw number, the string value or the literal.</summary>
internal readonly record struct JsonToken(JsonTokenType Type, string? Text, string? Error)
{
    public static readonly JsonToken EndOfData = new(JsonTokenType.None, null, null);

    public bool IsEndOfData => Type == JsonTokenType.None && Error is null;

    public string Describe() => Type switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.String => $"the string \"{Text}\"",
        _ => Text ?? Type.ToString(),
    };
}

/// <summary>
/// Pulls tokens from a stream with Utf8JsonReader over a refilled buffer, so a large candle file is never loaded whole.
/// Never throws on bad JSON: it returns a token carrying the error, and <see cref="JsonToken.EndOfData"/> when the
/// stream ends (inside a value or not: the caller knows where it is).
/// </summary>
internal sealed class JsonTokenScanner
{
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    private readonly Stream _stream;
    private readonly string _file;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _eof;
    private bool _filled;
    private JsonReaderState _state = new(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });

    public JsonTokenScanner(Stream stream, string file)
    {
        _stream = stream;
        _file = file;
    }

    public JsonToken Next()
    {
        while (true)
        {
            // isFinalBlock stays false: a number needs its ',' or ']' to be complete, so data ending without one is truncated.
            var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), isFinalBlock: false, _state);
            try
            {
                if (reader.Read())
                {
                    var token = new JsonToken(reader.TokenType, TextOf(ref reader), null);
                    _start += (int)reader.BytesConsumed;
                    _state = reader.CurrentState;
                    return token;
                }
            }
            catch (JsonException e)
            {
                return new JsonToken(JsonTokenType.None, null, e.Message);
            }

            if (_eof)
            {
                return JsonToken.EndOfData;
            }

            Fill();
        }
    }

    /// <summary>Consumes the rest of an array or object whose start token was just read; returns the token that stopped it early (end of data or error), or null.</summary>
    public JsonToken? SkipContainer()
    {
        var depth = 1;
        while (depth > 0)
        {
            var token = Next();
            if (token.Type == JsonTokenType.None)
            {
                return token;
            }

            depth += token.Type switch
            {
                JsonTokenType.StartArray or JsonTokenType.StartObject => 1,
                JsonTokenType.EndArray or JsonTokenType.EndObject => -1,
                _ => 0,
            };
        }

        return null;
    }

    private static string? TextOf(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        _ => null,
    };

    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        int read;
        try
        {
            read = _stream.ReadAtLeast(_buffer.AsSpan(_end), _filled ? 1 : Utf8Bom.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (MarketFile.IsReadFailure(e))
        {
            throw new MarketDataException($"{_file}: cannot read past byte {_end}: {e.Message}", e);
        }

        _eof = read == 0;
        _end += read;
        if (!_filled)
        {
            _filled = true;
            if (_buffer.AsSpan(0, _end).StartsWith(Utf8Bom))
            {
                _start = Utf8Bom.Length;
            }
        }
    }
}
