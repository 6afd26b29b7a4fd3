import DICOM
import Imaging

extension EncapsulatedFrames {
    /// The frames of stored pixel data, or the problem the client is told: frames that cannot be
    /// told apart can still be retrieved whole; anything else is the stored object's fault.
    init(stored pixels: EncapsulatedPixelData, in dataSet: DataSet) throws(WebProblem) {
        do {
            try self.init(pixels, numberOfFrames: dataSet.int(WebTag.numberOfFrames) ?? 1, in: dataSet)
        } catch let error {
            switch error {
            case .framesIndistinct:
                throw WebProblem(.notAcceptable, "\(error): retrieve the instance with transfer-syntax=*")
            case .offsetTableUnreadable, .frameCountMismatch, .offsetNotAtFragment, .offsetPastLastFragment, .noSuchFrame, .unreadable:
                throw WebProblem(.internalServerError, "the stored object's frames cannot be read: \(error)")
            }
        }
    }
}
