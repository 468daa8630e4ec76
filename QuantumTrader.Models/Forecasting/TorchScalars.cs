using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QuantumTrader.Models.Forecasting;

/// <summary>
/// TorchSharp turns every number in a tensor expression (including the hidden alpha = 1 of tensor + tensor) into a temporary Scalar that
/// is only freed by its finalizer, and the finalizer can run while the native call that reads it is still in flight. That corrupts the
/// value and crashed a long ETT training in libtorch ("toFloat"). Here every Scalar stays referenced until its call has returned.
/// </summary>
internal static class TorchScalars
{
    public static readonly Scalar One = 1.ToScalar();

    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    public static Tensor Plus(this Tensor a, double value)
    {
        using var s = value.ToScalar();
        return a.add(s, One);
    }

    public static Tensor Times(this Tensor a, double factor)
    {
        using var s = factor.ToScalar();
        return a.mul(s);
    }
}

/// <summary>
/// Adam (Kingma and Ba, 2015) with bias correction, no weight decay: the update of torch.optim.Adam, written against
/// <see cref="TorchScalars"/> so no temporary Scalar can be finalised mid-call. Moment buffers live outside any dispose scope.
/// </summary>
public sealed class AdamOptimizer : IDisposable
{
    private readonly Parameter[] _parameters;
    private readonly Tensor[] _firstMoment;
    private readonly Tensor[] _secondMoment;
    private readonly double _beta1;
    private readonly double _beta2;
    private readonly Scalar _beta1Scalar;
    private readonly Scalar _beta2Scalar;
    private readonly Scalar _oneMinusBeta1;
    private readonly Scalar _oneMinusBeta2;
    private readonly Scalar _epsilon;
    private long _step;

    public AdamOptimizer(IEnumerable<Parameter> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        _parameters = parameters.ToArray();
        LearningRate = learningRate;
        _beta1 = beta1;
        _beta2 = beta2;
        _beta1Scalar = beta1.ToScalar();
        _beta2Scalar = beta2.ToScalar();
        _oneMinusBeta1 = (1 - beta1).ToScalar();
        _oneMinusBeta2 = (1 - beta2).ToScalar();
        _epsilon = epsilon.ToScalar();
        _firstMoment = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        _secondMoment = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
    }

    /// <summary>The step size of the next updates; a schedule may lower it between steps.</summary>
    public double LearningRate { get; set; }

    public void ZeroGrad()
    {
        foreach (var p in _parameters)
        {
            using var grad = p.grad;
            grad?.zero_();
        }
    }

    public void Step()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        _step++;
        var correction1 = 1 - Math.Pow(_beta1, _step);
        var correction2 = 1 - Math.Pow(_beta2, _step);
        using var stepSize = (-LearningRate / correction1).ToScalar();
        using var sqrtCorrection2 = Math.Sqrt(correction2).ToScalar();
        for (var i = 0; i < _parameters.Length; i++)
        {
            var grad = _parameters[i].grad;
            if (grad is null) continue;
            _firstMoment[i].mul_(_beta1Scalar).add_(grad, _oneMinusBeta1);
            _secondMoment[i].mul_(_beta2Scalar).addcmul_(grad, grad, _oneMinusBeta2);
            var denominator = _secondMoment[i].sqrt().div_(sqrtCorrection2).add_(_epsilon, TorchScalars.One);
            _parameters[i].addcdiv_(_firstMoment[i], denominator, stepSize);
        }
    }

    public void Dispose()
    {
        foreach (var t in _firstMoment) t.Dispose();
        foreach (var t in _secondMoment) t.Dispose();
        _beta1Scalar.Dispose();
        _beta2Scalar.Dispose();
        _oneMinusBeta1.Dispose();
        _oneMinusBeta2.Dispose();
        _epsilon.Dispose();
    }
}
