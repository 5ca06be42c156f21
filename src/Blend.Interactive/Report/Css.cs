namespace Blend.Interactive;

/// <summary>The inline stylesheet shared by Blend's HTML output.</summary>
public static class Css
{
    /// <summary>Styles for Blend's tables, badges and bars (scoped under <c>.blend</c>).</summary>
    public const string Blend = """
        .blend{font-family:system-ui,-apple-system,Segoe UI,sans-serif;font-size:13px;color:#1f2328}
        .blend table{border-collapse:collapse;margin:4px 0 10px 0}
        .blend th,.blend td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
        .blend th{background:#f6f8fa}
        .blend td.num{text-align:right;font-variant-numeric:tabular-nums}
        .blend .pass{background:#dafbe1;color:#116329}
        .blend .fail{background:#ffebe9;color:#a40e26}
        .blend .error{background:#fff8c5;color:#7d4e00}
        .blend .badge{display:inline-block;border-radius:8px;padding:0 6px;margin:1px;font-size:11px}
        .blend .bar{display:inline-block;height:10px;background:#0969da;vertical-align:middle}
        .blend .muted{color:#656d76}
        .blend pre{background:#f6f8fa;padding:6px;white-space:pre-wrap}
        """;

    /// <summary>Page-level styles for standalone reports (includes <see cref="Blend"/>).</summary>
    public const string Page = "body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1100px;margin:24px auto;padding:0 16px;color:#1f2328}"
        + "h1{font-size:22px}h2{font-size:17px;border-bottom:1px solid #d0d7de;padding-bottom:4px;margin-top:28px}"
        + "nav ol{columns:2;font-size:13px}pre{background:#f6f8fa;padding:8px;overflow-x:auto}"
        + "p.lead{font-size:15px;background:#f6f8fa;border-left:4px solid #0969da;padding:6px 10px}"
        + ".flags{background:#fff8c5;border:1px solid #d4a72c;padding:6px 10px;margin:6px 0}.flags ul{margin:4px 0}p.ok{color:#116329}\n" + Blend;
}
