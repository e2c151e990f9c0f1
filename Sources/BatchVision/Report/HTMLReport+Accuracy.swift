import Crypto
import Foundation

// MARK: - A labelled job's accuracy: numbers, a sortable per-class table, the most frequent confusions.

extension HTMLReport {
    /// Top-1/top-5 accuracy, then per-class accuracy (click a column head to sort) and the confusions.
    var accuracySection: String {
        guard let accuracy = summary.accuracy else { return "" }
        let totals = String(
            format: "top-1 <b>%.2f%%</b> (%d of %d) · top-%d <b>%.2f%%</b> (%d)", accuracy.top1Rate * 100, accuracy.top1,
            accuracy.labelled, accuracy.k, accuracy.top5Rate * 100, accuracy.top5)
        let unmatched = accuracy.unmatched > 0
            ? "<p class=\"note\">\(accuracy.unmatched) images are in folders that name none of the model's classes and are not counted.</p>"
            : ""
        let classRows = accuracy.perClass.map { c in
            "<tr><td>\(c.index)</td><td>\(Self.escape(c.label))</td><td>\(c.images)</td><td>\(c.top1)</td>"
                + "<td data-v=\"\(c.top1Rate)\">\(Self.percent(Float(c.top1Rate)))</td><td>\(c.top5)</td></tr>"
        }
        let confusionRows = accuracy.mostFrequentConfusions(20).map {
            "<tr><td>\(Self.escape($0.trueLabel))</td><td>\(Self.escape($0.predictedLabel))</td><td>\($0.count)</td></tr>"
        }
        return """
            <section id="accuracy"><h2>Accuracy</h2><p>\(totals)</p>\(unmatched)
            <div class="tables"><table class="sortable" id="per-class"><thead><tr><th>index</th><th>class</th><th>images</th><th>top-1 hits</th><th>top-1</th><th>top-\(accuracy.k) hits</th></tr></thead>
            <tbody>\(classRows.joined())</tbody></table>
            <table class="sortable" id="confusions"><thead><tr><th>true class</th><th>predicted</th><th>images</th></tr></thead>
            <tbody>\(confusionRows.joined())</tbody></table></div></section>
            """
    }

    /// Sorts a `table.sortable` by the clicked column (numbers numerically, a second click reverses);
    /// marks the body `data-sortable="ready"` so a test can see the policy let it run.
    static let sortScript = """
        document.body.dataset.sortable='ready';document.querySelectorAll('table.sortable th').forEach(function(th,col){th.addEventListener('click',function(){\
        var body=th.closest('table').tBodies[0],rows=Array.from(body.rows),up=th.dataset.dir!=='asc';th.dataset.dir=up?'asc':'desc';\
        function key(r){var c=r.cells[col],v=c.dataset.v!==undefined?c.dataset.v:c.textContent,n=parseFloat(v);return isNaN(n)?v.toLowerCase():n;}\
        rows.sort(function(a,b){var x=key(a),y=key(b);return (x<y?-1:x>y?1:0)*(up?1:-1);});rows.forEach(function(r){body.appendChild(r);});});});
        """

    /// No remote loads; images from data: URLs, inline style, and only the sort script (by its SHA-256).
    var contentSecurityPolicy: String {
        let base = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
        guard summary.accuracy != nil else { return base }
        let hash = Data(SHA256.hash(data: Data(Self.sortScript.utf8))).base64EncodedString()
        return base + "; script-src 'sha256-\(hash)'"
    }
}
