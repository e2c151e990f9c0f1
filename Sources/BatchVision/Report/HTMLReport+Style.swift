extension HTMLReport {
    /// The page's whole style sheet, inline so the report stays one file.
    ///
    /// System fonts only (no web fonts to fetch); a card grid that reflows with the window.
    static let style = """
        body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
        header{background:#1d2330;color:#e8ebf2;padding:16px 24px}
        header h1{margin:0 0 8px;font-size:20px}
        header p{margin:4px 0;color:#c3c8d4}
        header b{color:#fff;font-weight:600}
        .stats{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0}
        .stats div{background:#2c3446;border-radius:6px;padding:6px 12px;min-width:90px}
        .stats dt{font-size:11px;text-transform:uppercase;color:#9aa3b5}
        .stats dd{margin:0;font-size:18px;font-weight:600;color:#fff}
        .warn{color:#ffb4a8!important}
        section{padding:8px 24px 16px}
        h2{font-size:16px;margin:12px 0 8px}
        .note{color:#5a6275;margin:0 0 8px}
        .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:12px}
        .card{margin:0;background:#fff;border:1px solid #dde1e8;border-radius:8px;overflow:hidden}
        .thumb{height:160px;display:flex;align-items:center;justify-content:center;background:#e9ecf1;color:#8a93a6}
        .thumb img{max-width:100%;max-height:160px}
        figcaption{padding:8px 10px}
        .name{margin:0;font-size:12px;color:#5a6275;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
        .top1{margin:2px 0 6px;font-weight:600}
        .top1 .pct{color:#2563eb}
        .topk{list-style:none;margin:0;padding:0;font-size:11px}
        .topk li{display:grid;grid-template-columns:1fr 60px 40px;gap:4px;align-items:center}
        .topk .l{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
        .bar{height:6px;background:#e4e8ef;border-radius:3px;overflow:hidden}
        .bar i{display:block;height:100%;background:#3b82f6}
        .p{text-align:right;color:#5a6275}
        .failed{border-color:#e5484d;background:#fff5f5}
        .failed .thumb{background:#fde2e2;color:#e5484d;font-size:40px}
        .error{margin:4px 0 0;color:#c0262d;font-size:12px;word-break:break-word}
        """
}

extension HTMLReport {
    /// The accuracy tables and the misclassified cards of a labelled job.
    static let accuracyStyle = """
        .tables{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
        table{border-collapse:collapse;background:#fff;border:1px solid #dde1e8;font-size:12px}
        th,td{padding:4px 10px;border-bottom:1px solid #eef0f4;text-align:left}
        th{background:#eef1f6;cursor:pointer;user-select:none}
        th[data-dir=asc]::after{content:" ▲"}
        th[data-dir=desc]::after{content:" ▼"}
        .wrong{border-color:#f59e0b;background:#fffbeb}
        .truth{margin:0 0 6px;font-size:12px;color:#b45309}
        """
}
