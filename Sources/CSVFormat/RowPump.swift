import Foundation
import TableModel

/// Runs a `RowProducer` on a second thread, so that scanning and typing overlap with whatever
/// consumes the rows (a writer). The producer works at most `batchesAhead` batches ahead, each
/// of up to `rowsPerBatch` rows or `bytesPerBatch` bytes of fields, so memory stays bounded.
/// Rows, diagnostics and the error that ends the input arrive in input order.
final class RowPump {
    /// Rows made on the thread, with the diagnostics made meanwhile; the last batch says so
    /// and carries the error that ended the input, if any.
    struct Batch {
        var rows: [Row]
        var diagnostics: [Diagnostic]
        var error: Error?
        var isLast: Bool
    }

    static let rowsPerBatch = 512
    static let bytesPerBatch = 1 << 20
    static let batchesAhead = 4

    private let condition = NSCondition()
    private var queue: [Batch] = []
    private var cancelled = false
    private var running = true

    init(producer: RowProducer) {
        let thread = Thread { [self] in produce(with: producer) }
        thread.name = "CSV reader"
        thread.start()
    }

    /// The next batch, waiting for it; call only until a batch `isLast`.
    func next() -> Batch {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty { condition.wait() }
        let batch = queue.removeFirst()
        condition.broadcast()
        return batch
    }

    /// Stops the producer and waits until its thread has left the source alone (it finishes
    /// the block read it may be in).
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    private func produce(with producer: RowProducer) {
        var isLast = false
        while !isLast {
            var rows: [Row] = []
            rows.reserveCapacity(Self.rowsPerBatch)
            var bytes = 0
            var error: Error?
            do {
                while rows.count < Self.rowsPerBatch, bytes < Self.bytesPerBatch {
                    guard let row = try producer.nextRow() else {
                        isLast = true
                        break
                    }
                    bytes += producer.lastRecordBytes
                    rows.append(row)
                }
            } catch let caught {
                error = caught
                isLast = true
            }
            let batch = Batch(rows: rows, diagnostics: producer.takeDiagnostics(), error: error, isLast: isLast)
            condition.lock()
            while queue.count >= Self.batchesAhead && !cancelled { condition.wait() }
            if cancelled { isLast = true } else { queue.append(batch) }
            if isLast { running = false }
            condition.broadcast()
            condition.unlock()
        }
    }
}
