// Judges code samples with Blend's code judge and prints one verdict per line. stdin: a first line with the judge's
// options as JSON ({"timeout": seconds}), then one sample per line ({"response": ..., "metadata": {...}}).
// stdout: {"outcome": "Pass|Fail|Error", "reason": ..., "score": ...} per sample, in order.
using System.Text.Json.Nodes;
using Blend;

var lines = new List<string>();
for (string? line; (line = Console.ReadLine()) is not null;) if (line.Length > 0) lines.Add(line);
var settings = JsonNode.Parse(lines[0])!.AsObject();
var options = new CodeJudgeOptions { TimeoutSeconds = settings["timeout"]?.GetValue<double>() ?? 10, MaxParallel = 2 };
var samples = lines.Skip(1).Select(l => JsonNode.Parse(l)!.AsObject())
    .Select(o => new Sample("code", "", o["response"]!.GetValue<string>()) { Metadata = o["metadata"]?.DeepClone().AsObject() }).ToList();
foreach (var v in Judge.Code(options).Judge(samples))
    Console.WriteLine(new JsonObject { ["outcome"] = v.Outcome.ToString(), ["reason"] = v.Reason, ["score"] = v.Score }.ToJsonString());
return 0;
