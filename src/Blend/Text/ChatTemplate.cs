using System.Text.Json;
using System.Text.Json.Nodes;
using Blend.Jinja;

namespace Blend;

/// <summary>
/// A Hugging Face chat template (the Jinja <c>chat_template</c> of <c>tokenizer_config.json</c>), parsed once and rendered
/// for a conversation the way transformers' <c>apply_chat_template</c> renders it: <c>trim_blocks</c> and
/// <c>lstrip_blocks</c> on, with <c>messages</c>, <c>add_generation_prompt</c>, <c>bos_token</c>, <c>eos_token</c>,
/// <c>raise_exception</c>, <c>namespace</c> and <c>strftime_now</c> defined.
/// </summary>
/// <remarks>
/// Supported: text, <c>{{ }}</c>, <c>{% if/elif/else %}</c>, <c>{% for %}</c> (with <c>loop.*</c>, a filter, unpacking,
/// <c>else</c>, <c>break</c>/<c>continue</c>), <c>{% set %}</c> (also <c>ns.attr</c> and blocks), <c>{% macro %}</c>,
/// <c>{% generation %}</c>, whitespace control, Python-style operators, slices and string/dict methods, and the filters
/// and tests real templates use. Anything else is a <see cref="FormatException"/> naming the line, never a silent
/// approximation. Checked against the JavaScript renderer <c>@huggingface/jinja</c> on real templates.
/// </remarks>
public sealed class ChatTemplate
{
    readonly IReadOnlyList<Node> _nodes;

    ChatTemplate(string source, string where, IReadOnlyList<Node> nodes, string? bos, string? eos)
    {
        Source = source;
        Where = where;
        _nodes = nodes;
        BosToken = bos;
        EosToken = eos;
    }

    /// <summary>The template text.</summary>
    public string Source { get; }

    /// <summary>Where the template came from (a file and field), used in error messages.</summary>
    public string Where { get; }

    /// <summary>The value of <c>bos_token</c> inside the template.</summary>
    public string? BosToken { get; }

    /// <summary>The value of <c>eos_token</c> inside the template.</summary>
    public string? EosToken { get; }

    /// <summary>Parses a template.</summary>
    /// <exception cref="FormatException">The template does not parse or uses an unsupported tag; the message names <paramref name="where"/> and the line.</exception>
    public static ChatTemplate Parse(string source, string where = "chat template", string? bosToken = null, string? eosToken = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new ChatTemplate(source, where, JinjaParser.Parse(source, where), bosToken, eosToken);
    }

    /// <summary>The text of a conversation; with <paramref name="addGenerationPrompt"/>, ending where the assistant's reply starts.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="addGenerationPrompt">Append the assistant header (default true: the prompt a model generates from).</param>
    /// <param name="variables">More template variables (for example <c>enable_thinking</c>, <c>tools</c>); plain .NET values, lists, dictionaries or <see cref="JsonNode"/>s.</param>
    /// <exception cref="InvalidOperationException">The template called <c>raise_exception</c> (for example for an unsupported role order).</exception>
    /// <exception cref="FormatException">The template failed at run time; the message names the line.</exception>
    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = true, IReadOnlyDictionary<string, object?>? variables = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return RenderWith(messages.Select(m => (object?)new Dictionary<string, object?> { ["role"] = m.Role, ["content"] = m.Content }).ToList(), addGenerationPrompt, variables);
    }

    /// <summary>Renders a conversation given as JSON (an array of message objects with any fields, e.g. <c>tool_calls</c>).</summary>
    public string Render(JsonArray messages, bool addGenerationPrompt = true, IReadOnlyDictionary<string, object?>? variables = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return RenderWith(FromDotNet(messages), addGenerationPrompt, variables);
    }

    string RenderWith(object? messages, bool addGenerationPrompt, IReadOnlyDictionary<string, object?>? variables)
    {
        var vars = new Dictionary<string, object?>(StringComparer.Ordinal) { ["messages"] = messages, ["add_generation_prompt"] = addGenerationPrompt };
        if (BosToken is not null) vars["bos_token"] = BosToken;
        if (EosToken is not null) vars["eos_token"] = EosToken;
        if (variables is not null) foreach (var (k, v) in variables) vars[k] = FromDotNet(v);
        try { return JinjaInterpreter.Render(_nodes, vars, Where); }
        catch (TemplateRaisedException e) { throw new InvalidOperationException($"{Where}: the template raised: {e.Message}", e); }
    }

    /// <inheritdoc />
    public override string ToString() => $"ChatTemplate({Where}, {Source.Length} chars)";

    static object? FromDotNet(object? v) => v switch
    {
        null => null,
        string or bool or long => v,
        int i => (long)i,
        double or float or decimal => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture),
        JsonNode n => FromJson(n),
        IDictionary<string, object?> d => d.ToDictionary(kv => kv.Key, kv => FromDotNet(kv.Value), StringComparer.Ordinal),
        ChatMessage m => new Dictionary<string, object?> { ["role"] = m.Role, ["content"] = m.Content },
        System.Collections.IEnumerable e => e.Cast<object?>().Select(FromDotNet).ToList(),
        _ => v.ToString(),
    };

    static object? FromJson(JsonNode? n) => n switch
    {
        null => null,
        JsonObject o => o.ToDictionary(kv => kv.Key, kv => FromJson(kv.Value), StringComparer.Ordinal),
        JsonArray a => a.Select(FromJson).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => JsonSerializer.SerializeToElement(v) is var el && el.TryGetInt64(out var l) ? (object)l : el.GetDouble(),
            _ => null,
        },
        _ => null,
    };
}
