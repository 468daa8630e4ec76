using System.CommandLine;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Ensemble.Onnx;
using QuantumTrader.Models.Ensemble.Trees;
using QuantumTrader.Models.Features;
using Spectre.Console;

namespace QuantumTrader.Host.Cli;

/// <summary>
/// Registers an ONNX classifier trained elsewhere (e.g. XGBoost or LightGBM exported with onnxmltools / skl2onnx) into a tree
/// slot of a state directory: it is validated against the slot's feature set, copied as &lt;version&gt;.onnx with its sidecar
/// into &lt;state&gt;/models/&lt;slot&gt;/, and chosen to serve the slot from the next start of <c>run</c>. A refused file
/// changes nothing, so the version that served before keeps serving.
/// </summary>
public static class ModelImportCommand
{
    public static readonly IReadOnlyList<string> Slots = [ModelSlots.Xgb, ModelSlots.Lgbm];

    public static Command Create(string name = "import")
    {
        var slot = new Option<string>("--slot") { Description = "Tree slot to serve the model in: xgb or lgbm", Required = true };
        var file = new Option<string>("--file") { Description = "The ONNX model file: one float input [N, features], probabilities [N, 2] (or a ZipMap) over classes 0 (down) and 1 (up)", Required = true };
        var state = new Option<string>("--state") { Description = "State directory of the runs that should serve it", DefaultValueFactory = _ => "state" };
        var command = new Command(name, $"Import an ONNX classifier into a tree slot; it must take the {FeatureCalculator.Set.Names.Count} features of {FeatureCalculator.Version}")
        {
            slot, file, state,
        };
        command.SetAction(parse =>
        {
            var result = Import(parse.GetValue(slot)!, parse.GetValue(file)!, parse.GetValue(state)!);
            return result.Refusal is null ? ExitCodes.Ok : ExitCodes.BadInput;
        });
        return command;
    }

    /// <summary>What an import did: the registered artifact, or the refusal and the version that keeps serving.</summary>
    public sealed record ImportResult(TreeModelArtifact? Artifact, string? Refusal, string ServingBefore);

    public static ImportResult Import(string slot, string file, string stateDirectory)
    {
        slot = slot.Trim().ToLowerInvariant();
        if (!Slots.Contains(slot))
            throw new UsageException($"--slot must be one of {string.Join(", ", Slots)} (the forecasting slots are trained by run), got '{slot}'");
        var directory = ImportedServing.SlotDirectory(stateDirectory, slot);
        var before = ServingBefore(directory);
        try
        {
            var info = OnnxModelImporter.Validate(file, FeatureCalculator.Set, slot);
            var sidecar = Path.Combine(directory, TreeModelArtifact.SidecarFileName(info.Version));
            if (File.Exists(sidecar) && TreeModelArtifact.Load(sidecar) is { } existing && existing.OnnxSha256 != info.Sha256)
                throw new ModelArtifactException(file,
                    $"version {info.Version} (from its {OnnxMetadataKeys.ModelVersion} metadata) already exists in {directory} with other content (SHA-256 {existing.OnnxSha256[..8]}..., this file {info.Sha256[..8]}...)");
            var artifact = OnnxModelImporter.Register(file, FeatureCalculator.Set, slot, directory);
            ImportedServing.Write(directory, artifact.Version);
            Print(info, artifact, directory, before, stateDirectory);
            return new ImportResult(artifact, null, before);
        }
        catch (ModelArtifactException ex)
        {
            Console.Error.WriteLine($"refused: {ex.Message}");
            Console.Error.WriteLine($"{slot} keeps serving {before}");
            return new ImportResult(null, ex.Message, before);
        }
    }

    private static string ServingBefore(string directory)
    {
        try
        {
            return ImportedServing.Read(directory) is { } version ? $"{version} (imported)" : "the model that run trains";
        }
        catch (UsageException ex)
        {
            return $"nothing usable ({ex.Message})";
        }
    }

    private static void Print(OnnxModelInfo info, TreeModelArtifact artifact, string directory, string before, string stateDirectory)
    {
        var table = new Table().Title($"imported into {info.Slot}").AddColumn("field").AddColumn("value");
        void Row(string k, string v) => table.AddRow(Markup.Escape(k), Markup.Escape(v));
        Row("version", artifact.Version);
        Row("feature set", $"{info.Features.Version} ({info.Features.Names.Count} features)");
        Row("input", info.InputName);
        Row("probabilities output", info.ProbabilitiesOutput + (info.StripsZipMap ? " (ZipMap stripped)" : ""));
        Row("producer", info.Producer.Length == 0 ? "unknown" : info.Producer);
        Row("sha-256", info.Sha256);
        Row("stored in", directory);
        Row("served before", before);
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[green]{Markup.Escape(info.Slot)} serves {Markup.Escape(artifact.Version)} from the next start of run with --state {Markup.Escape(stateDirectory)}[/]");
    }
}
