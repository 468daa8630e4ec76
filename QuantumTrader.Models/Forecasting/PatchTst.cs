using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace QuantumTrader.Models.Forecasting;

/// <summary>
/// PatchTST, supervised (Nie et al., ICLR 2023): RevIN, then every channel on its own is cut into overlapping patches, each patch is
/// projected to d_model and given a learnable position embedding, a Transformer encoder with batch norm runs over the patches,
/// and a linear head maps the flattened encoder output to the horizon before RevIN's inverse.
/// </summary>
public sealed class PatchTstNetwork : ForecastNetwork
{
    private readonly RevIn revin;
    private readonly Linear patch_projection;
    private readonly Parameter position;
    private readonly Dropout input_dropout;
    private readonly ModuleList<PatchTstEncoderLayer> encoder;
    private readonly Linear head;
    private readonly Dropout head_dropout;
    private readonly PatchTstConfig _config;

    public PatchTstNetwork(PatchTstConfig config, int channels) : base("patchtst", config.Lookback, config.Horizon, channels)
    {
        _config = config;
        var patches = config.PatchCount;
        revin = new RevIn(channels, config.AffineRevIn);
        patch_projection = Linear(config.PatchLength, config.ModelDim);
        position = new Parameter(empty(patches, config.ModelDim));
        init.uniform_(position, -0.02, 0.02);
        input_dropout = Dropout(config.Dropout);
        encoder = new ModuleList<PatchTstEncoderLayer>();
        for (var i = 0; i < config.Layers; i++)
            encoder.Add(new PatchTstEncoderLayer($"layer{i}", config.ModelDim, config.Heads, config.FeedForwardDim, config.Dropout));
        head = Linear(config.ModelDim * patches, config.Horizon);
        head_dropout = Dropout(config.HeadDropout);
        RegisterComponents();
    }

    /// <summary>
    /// [..., L] to [..., N, P]: optional end padding by repeating the last value Stride times, then windows of length P every S steps,
    /// so N = (L - P) / S + 1, plus one with end padding.
    /// </summary>
    public static Tensor Patchify(Tensor series, int patchLength, int stride, bool padEnd)
    {
        if (padEnd)
        {
            var shape = series.shape.ToArray();
            shape[^1] = stride;
            series = cat([series, series[TensorIndex.Ellipsis, TensorIndex.Slice(-1)].expand(shape)], -1);
        }
        return series.unfold(-1, patchLength, stride);
    }

    public override Tensor forward(Tensor x)
    {
        EnsureInputShape(x);
        var batch = x.shape[0];
        var (normalized, statistics) = revin.Normalize(x);
        var patches = Patchify(normalized.permute(0, 2, 1), _config.PatchLength, _config.Stride, _config.PadEnd);
        var count = patches.shape[2];
        var tokens = patch_projection.call(patches).reshape(batch * Channels, count, _config.ModelDim);
        tokens = input_dropout.call(tokens.Plus(position));
        Tensor? scores = null;
        foreach (var layer in encoder) (tokens, scores) = layer.Forward(tokens, scores);
        // [B*C, N, D] -> [B, C, D, N] -> [B, C, D*N]: the flatten order of the reference head.
        var flat = tokens.reshape(batch, Channels, count, _config.ModelDim).permute(0, 1, 3, 2).flatten(-2);
        var y = head_dropout.call(head.call(flat)).permute(0, 2, 1);
        return revin.Denormalize(y, statistics);
    }
}

/// <summary>
/// Post-norm Transformer encoder layer with batch norm over d_model and residual attention: each layer adds the previous layer's
/// pre-softmax attention scores to its own, as in the reference PatchTST backbone.
/// </summary>
public sealed class PatchTstEncoderLayer : nn.Module
{
    private readonly Linear w_q;
    private readonly Linear w_k;
    private readonly Linear w_v;
    private readonly Linear w_o;
    private readonly Dropout projection_dropout;
    private readonly Dropout attention_dropout;
    private readonly BatchNorm1d attention_norm;
    private readonly Sequential feed_forward;
    private readonly Dropout feed_forward_dropout;
    private readonly BatchNorm1d feed_forward_norm;
    private readonly int _heads;
    private readonly int _headDim;
    private readonly double _scale;

    public PatchTstEncoderLayer(string name, int modelDim, int heads, int feedForwardDim, double dropout) : base(name)
    {
        _heads = heads;
        _headDim = modelDim / heads;
        _scale = 1.0 / Math.Sqrt(_headDim);
        w_q = Linear(modelDim, modelDim);
        w_k = Linear(modelDim, modelDim);
        w_v = Linear(modelDim, modelDim);
        w_o = Linear(modelDim, modelDim);
        projection_dropout = Dropout(dropout);
        attention_dropout = Dropout(dropout);
        attention_norm = BatchNorm1d(modelDim);
        feed_forward = Sequential(Linear(modelDim, feedForwardDim), GELU(), Dropout(dropout), Linear(feedForwardDim, modelDim));
        feed_forward_dropout = Dropout(dropout);
        feed_forward_norm = BatchNorm1d(modelDim);
        RegisterComponents();
    }

    /// <summary>tokens [batch, patches, d_model]; returns the new tokens and this layer's attention scores [batch, heads, patches, patches].</summary>
    public (Tensor Tokens, Tensor Scores) Forward(Tensor tokens, Tensor? previousScores)
    {
        var batch = tokens.shape[0];
        var n = tokens.shape[1];
        var q = w_q.call(tokens).view(batch, n, _heads, _headDim).transpose(1, 2);
        var k = w_k.call(tokens).view(batch, n, _heads, _headDim).permute(0, 2, 3, 1);
        var v = w_v.call(tokens).view(batch, n, _heads, _headDim).transpose(1, 2);
        var scores = matmul(q, k).Times(_scale);
        if (previousScores is not null) scores = scores.Plus(previousScores);
        var attended = matmul(functional.softmax(scores, -1), v).transpose(1, 2).reshape(batch, n, _heads * _headDim);
        var x = tokens.Plus(attention_dropout.call(projection_dropout.call(w_o.call(attended))));
        x = attention_norm.call(x.transpose(1, 2)).transpose(1, 2);
        x = x.Plus(feed_forward_dropout.call(feed_forward.call(x)));
        x = feed_forward_norm.call(x.transpose(1, 2)).transpose(1, 2);
        return (x, scores);
    }
}
