import ArgumentParser
import DICOM
import DICOMNetwork

struct Echo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echo",
        abstract: "Check a DICOM peer answers: open an association and send a C-ECHO (verification).")

    @OptionGroup var network: NetworkOptions

    func run() async throws {
        let proposal = try network.proposal([.init(abstractSyntax: WellKnownSOPClass.verification, transferSyntaxes: uncompressedSyntaxes)])
        do {
            let status = try await network.client.withAssociation(proposal) { association in
                guard let context = association.negotiated.context(forAbstractSyntax: WellKnownSOPClass.verification) else {
                    throw AssociationError.protocolViolation("the peer did not accept the Verification SOP class")
                }
                let response = try await association.requestSingle(.echoRequest(messageID: association.nextMessageID()), contextID: context.id)
                return response.command.status ?? .processingFailure
            }
            guard status == .success else {
                standardError("rampart: C-ECHO answered with status \(status)")
                throw ExitCode(1)
            }
            print("echo \(network.calledAE)@\(network.host):\(network.port): success")
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw reportNetworkFailure(error)
        }
    }
}
