import ArgumentParser
import DICOM
import DICOMNetwork
import Imaging
#if canImport(Glibc)
import Glibc
#endif

struct Store: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Send DICOM files to a peer with C-STORE, all on one association.")

    @OptionGroup var network: NetworkOptions

    @Argument(help: "Part 10 files, or folders searched recursively.")
    var paths: [String]

    func run() async throws {
        var files: [(path: String, sopClassUID: String, transferSyntax: TransferSyntax)] = []
        var unreadable = 0
        for path in FileTree.regularFiles(under: paths) {
            guard let header = try? DICOMFileHeader(contentsOf: path), let sopClass = header.sopClassUID else {
                standardError("rampart: \(path): not a DICOM Part 10 file, skipped")
                unreadable += 1
                continue
            }
            files.append((path, sopClass, header.transferSyntax))
        }
        guard !files.isEmpty else {
            standardError("rampart: no DICOM files found in \(paths.joined(separator: " "))")
            throw ExitCode(1)
        }
        let contexts = InstanceSender.contexts(for: files.map { ($0.sopClassUID, $0.transferSyntax) })
        guard contexts.count <= 128 else {
            standardError("rampart: these files need \(contexts.count) presentation contexts, more than the 128 one association can propose; send them in smaller groups")
            throw ExitCode(1)
        }
        let proposal = try network.proposal(contexts)
        let total = files.count
        let paths = files.map(\.path)
        do {
            let stored = try await network.client.withAssociation(proposal) { association in
                var stored = 0
                for (index, path) in paths.enumerated() {
                    do {
                        let result = try await InstanceSender.send(path: path, on: association, converter: Transcoder())
                        switch result.status.category {
                        case .success, .warning:
                            stored += 1
                        case .failure, .cancel, .pending:
                            standardError("rampart: \(path): refused with status \(result.status)\(result.comment.map { ": \($0)" } ?? "")")
                        }
                    } catch let error as InstanceSendError {
                        standardError("rampart: \(error)")
                    }
                    if (index + 1) % 100 == 0 || index + 1 == paths.count {
                        standardError("\(index + 1)/\(paths.count) sent")
                    }
                }
                return stored
            }
            print("stored \(stored) of \(total) instances")
            if stored != total || unreadable > 0 { throw ExitCode(1) }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw reportNetworkFailure(error)
        }
    }
}
