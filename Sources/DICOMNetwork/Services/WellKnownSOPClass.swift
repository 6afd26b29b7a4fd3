/// SOP class UIDs the network services name (PS3.4, PS3.6 Annex A).
public enum WellKnownSOPClass {
    /// PS3.4 Annex A.
    public static let verification = "1.2.840.10008.1.1"

    /// Storage Commitment Push Model (PS3.4 J.3): an SCU asks the archive to take responsibility
    /// for instances it sent, and is told the outcome in an N-EVENT-REPORT.
    public static let storageCommitmentPushModel = "1.2.840.10008.1.20.1"
    /// The well-known SOP instance every storage commitment N-ACTION and N-EVENT-REPORT names
    /// (PS3.4 J.3.5); an instance UID, kept here beside its class.
    public static let storageCommitmentPushModelInstance = "1.2.840.10008.1.20.1.1"

    /// Every storage SOP class UID lives under this root (PS3.6 Table A-1); an SCP that stores
    /// whatever it is sent accepts any abstract syntax with this prefix.
    public static let storageRoot = "1.2.840.10008.5.1.4.1.1."

    /// The storage SOP classes an SCU offers to receive for C-GET (PS3.4 B.5): the common
    /// modalities, structured reports, documents and radiotherapy objects.
    public static let commonStorage: [String] = [
        "1.2.840.10008.5.1.4.1.1.1",        // Computed Radiography Image
        "1.2.840.10008.5.1.4.1.1.1.1",      // Digital X-Ray Image – For Presentation
        "1.2.840.10008.5.1.4.1.1.1.1.1",    // Digital X-Ray Image – For Processing
        "1.2.840.10008.5.1.4.1.1.1.2",      // Digital Mammography X-Ray Image – For Presentation
        "1.2.840.10008.5.1.4.1.1.1.2.1",    // Digital Mammography X-Ray Image – For Processing
        "1.2.840.10008.5.1.4.1.1.1.3",      // Digital Intra-Oral X-Ray Image – For Presentation
        "1.2.840.10008.5.1.4.1.1.2",        // CT Image
        "1.2.840.10008.5.1.4.1.1.2.1",      // Enhanced CT Image
        "1.2.840.10008.5.1.4.1.1.2.2",      // Legacy Converted Enhanced CT Image
        "1.2.840.10008.5.1.4.1.1.3.1",      // Ultrasound Multi-frame Image
        "1.2.840.10008.5.1.4.1.1.4",        // MR Image
        "1.2.840.10008.5.1.4.1.1.4.1",      // Enhanced MR Image
        "1.2.840.10008.5.1.4.1.1.4.2",      // MR Spectroscopy
        "1.2.840.10008.5.1.4.1.1.4.3",      // Enhanced MR Color Image
        "1.2.840.10008.5.1.4.1.1.6.1",      // Ultrasound Image
        "1.2.840.10008.5.1.4.1.1.6.2",      // Enhanced US Volume
        "1.2.840.10008.5.1.4.1.1.7",        // Secondary Capture Image
        "1.2.840.10008.5.1.4.1.1.7.1",      // Multi-frame Single Bit Secondary Capture Image
        "1.2.840.10008.5.1.4.1.1.7.2",      // Multi-frame Grayscale Byte Secondary Capture Image
        "1.2.840.10008.5.1.4.1.1.7.3",      // Multi-frame Grayscale Word Secondary Capture Image
        "1.2.840.10008.5.1.4.1.1.7.4",      // Multi-frame True Color Secondary Capture Image
        "1.2.840.10008.5.1.4.1.1.9.1.1",    // 12-lead ECG Waveform
        "1.2.840.10008.5.1.4.1.1.9.1.2",    // General ECG Waveform
        "1.2.840.10008.5.1.4.1.1.11.1",     // Grayscale Softcopy Presentation State
        "1.2.840.10008.5.1.4.1.1.12.1",     // X-Ray Angiographic Image
        "1.2.840.10008.5.1.4.1.1.12.1.1",   // Enhanced XA Image
        "1.2.840.10008.5.1.4.1.1.12.2",     // X-Ray Radiofluoroscopic Image
        "1.2.840.10008.5.1.4.1.1.13.1.3",   // Breast Tomosynthesis Image
        "1.2.840.10008.5.1.4.1.1.20",       // Nuclear Medicine Image
        "1.2.840.10008.5.1.4.1.1.66",       // Raw Data
        "1.2.840.10008.5.1.4.1.1.66.1",     // Spatial Registration
        "1.2.840.10008.5.1.4.1.1.66.4",     // Segmentation
        "1.2.840.10008.5.1.4.1.1.77.1.1",   // VL Endoscopic Image
        "1.2.840.10008.5.1.4.1.1.77.1.2",   // VL Microscopic Image
        "1.2.840.10008.5.1.4.1.1.77.1.4",   // VL Photographic Image
        "1.2.840.10008.5.1.4.1.1.77.1.5.1", // Ophthalmic Photography 8 Bit Image
        "1.2.840.10008.5.1.4.1.1.77.1.6",   // VL Whole Slide Microscopy Image
        "1.2.840.10008.5.1.4.1.1.88.11",    // Basic Text SR
        "1.2.840.10008.5.1.4.1.1.88.22",    // Enhanced SR
        "1.2.840.10008.5.1.4.1.1.88.33",    // Comprehensive SR
        "1.2.840.10008.5.1.4.1.1.88.34",    // Comprehensive 3D SR
        "1.2.840.10008.5.1.4.1.1.88.50",    // Mammography CAD SR
        "1.2.840.10008.5.1.4.1.1.88.59",    // Key Object Selection Document
        "1.2.840.10008.5.1.4.1.1.88.67",    // X-Ray Radiation Dose SR
        "1.2.840.10008.5.1.4.1.1.104.1",    // Encapsulated PDF
        "1.2.840.10008.5.1.4.1.1.104.2",    // Encapsulated CDA
        "1.2.840.10008.5.1.4.1.1.128",      // Positron Emission Tomography Image
        "1.2.840.10008.5.1.4.1.1.128.1",    // Legacy Converted Enhanced PET Image
        "1.2.840.10008.5.1.4.1.1.130",      // Enhanced PET Image
        "1.2.840.10008.5.1.4.1.1.481.1",    // RT Image
        "1.2.840.10008.5.1.4.1.1.481.2",    // RT Dose
        "1.2.840.10008.5.1.4.1.1.481.3",    // RT Structure Set
        "1.2.840.10008.5.1.4.1.1.481.4",    // RT Beams Treatment Record
        "1.2.840.10008.5.1.4.1.1.481.5",    // RT Plan
        "1.2.840.10008.5.1.4.1.1.481.8",    // RT Ion Plan
    ]
}
