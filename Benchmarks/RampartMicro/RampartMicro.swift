import Benchmark
import DICOM
import DICOMNetwork
import NIOCore

/// The micro-benchmarks of issue 14: the Part 10 parser, the PDU codec and C-FIND matching, on
/// inputs made in memory by each benchmark's setup. Run with Scripts/micro-bench.sh.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        maxDuration: .seconds(2)
    )

    // MARK: Part 10

    Benchmark("Part10 parse CT 512x512", closure: { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try DICOMFile(bytes: SyntheticObjects.ct))
        }
    }, setup: { _ = SyntheticObjects.ct })

    Benchmark("Part10 parse 2000 attributes", closure: { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try DICOMFile(bytes: SyntheticObjects.manyAttributes))
        }
    }, setup: { _ = SyntheticObjects.manyAttributes })

    Benchmark("Part10 encode CT 512x512", closure: { benchmark in
        let file = try DICOMFile(bytes: SyntheticObjects.ct)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try file.encoded())
        }
    }, setup: { _ = SyntheticObjects.ct })

    Benchmark("Part10 encode 2000 attributes", closure: { benchmark in
        let file = try DICOMFile(bytes: SyntheticObjects.manyAttributes)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try file.encoded())
        }
    }, setup: { _ = SyntheticObjects.manyAttributes })

    // MARK: PDU codec

    Benchmark("PDU decode A-ASSOCIATE-RQ 128 contexts", closure: { benchmark in
        for _ in benchmark.scaledIterations {
            var buffer = SyntheticPDUs.encodedAssociateRQ
            blackHole(try PDUDecoder().decodePDU(from: &buffer))
        }
    }, setup: { _ = SyntheticPDUs.encodedAssociateRQ })

    Benchmark("PDU encode A-ASSOCIATE-RQ 128 contexts", closure: { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try PDUEncoder().encode(SyntheticPDUs.associateRQ))
        }
    }, setup: { _ = SyntheticPDUs.associateRQ })

    Benchmark("PDU decode P-DATA-TF 64 KiB", closure: { benchmark in
        for _ in benchmark.scaledIterations {
            var buffer = SyntheticPDUs.encodedDataTF
            blackHole(try PDUDecoder().decodePDU(from: &buffer))
        }
    }, setup: { _ = SyntheticPDUs.encodedDataTF })

    Benchmark("PDU encode P-DATA-TF 64 KiB", closure: { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try PDUEncoder().encode(SyntheticPDUs.dataTF))
        }
    }, setup: { _ = SyntheticPDUs.dataTF })

    // MARK: C-FIND matching

    for (name, query, matches) in SyntheticStudies.identifiers {
        // Each record against the identifier through the public API, which reads the keys for
        // every record.
        Benchmark("C-FIND match \(name), 10k records", closure: { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(SyntheticStudies.records.count(where: query.matches))
            }
        }, setup: { try SyntheticStudies.verify(name, query, matches: matches) })

        // The test SCP's path: study records built from the index's instances, keys read once.
        Benchmark("C-FIND index find \(name), 10k instances", closure: { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(SyntheticStudies.index.find(query))
            }
        }, setup: { try SyntheticStudies.verify(name, query, matches: matches) })
    }
}
