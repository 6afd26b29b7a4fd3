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

    /// The storage SOP classes an SCU offers to receive for C-GET (PS3.4 B.5), and the ones the
    /// conformance statement names: the common modalities, structured reports, documents and
    /// radiotherapy objects, with their PS3.6 Table A-1 names.
    public static let commonStorageClasses: [(name: String, uid: String)] = [
        ("Computed Radiography Image Storage", "1.2.840.10008.5.1.4.1.1.1"),
        ("Digital X-Ray Image Storage - For Presentation", "1.2.840.10008.5.1.4.1.1.1.1"),
        ("Digital X-Ray Image Storage - For Processing", "1.2.840.10008.5.1.4.1.1.1.1.1"),
        ("Digital Mammography X-Ray Image Storage - For Presentation", "1.2.840.10008.5.1.4.1.1.1.2"),
        ("Digital Mammography X-Ray Image Storage - For Processing", "1.2.840.10008.5.1.4.1.1.1.2.1"),
        ("Digital Intra-Oral X-Ray Image Storage - For Presentation", "1.2.840.10008.5.1.4.1.1.1.3"),
        ("CT Image Storage", "1.2.840.10008.5.1.4.1.1.2"),
        ("Enhanced CT Image Storage", "1.2.840.10008.5.1.4.1.1.2.1"),
        ("Legacy Converted Enhanced CT Image Storage", "1.2.840.10008.5.1.4.1.1.2.2"),
        ("Ultrasound Multi-frame Image Storage", "1.2.840.10008.5.1.4.1.1.3.1"),
        ("MR Image Storage", "1.2.840.10008.5.1.4.1.1.4"),
        ("Enhanced MR Image Storage", "1.2.840.10008.5.1.4.1.1.4.1"),
        ("MR Spectroscopy Storage", "1.2.840.10008.5.1.4.1.1.4.2"),
        ("Enhanced MR Color Image Storage", "1.2.840.10008.5.1.4.1.1.4.3"),
        ("Ultrasound Image Storage", "1.2.840.10008.5.1.4.1.1.6.1"),
        ("Enhanced US Volume Storage", "1.2.840.10008.5.1.4.1.1.6.2"),
        ("Secondary Capture Image Storage", "1.2.840.10008.5.1.4.1.1.7"),
        ("Multi-frame Single Bit Secondary Capture Image Storage", "1.2.840.10008.5.1.4.1.1.7.1"),
        ("Multi-frame Grayscale Byte Secondary Capture Image Storage", "1.2.840.10008.5.1.4.1.1.7.2"),
        ("Multi-frame Grayscale Word Secondary Capture Image Storage", "1.2.840.10008.5.1.4.1.1.7.3"),
        ("Multi-frame True Color Secondary Capture Image Storage", "1.2.840.10008.5.1.4.1.1.7.4"),
        ("12-lead ECG Waveform Storage", "1.2.840.10008.5.1.4.1.1.9.1.1"),
        ("General ECG Waveform Storage", "1.2.840.10008.5.1.4.1.1.9.1.2"),
        ("Grayscale Softcopy Presentation State Storage", "1.2.840.10008.5.1.4.1.1.11.1"),
        ("X-Ray Angiographic Image Storage", "1.2.840.10008.5.1.4.1.1.12.1"),
        ("Enhanced XA Image Storage", "1.2.840.10008.5.1.4.1.1.12.1.1"),
        ("X-Ray Radiofluoroscopic Image Storage", "1.2.840.10008.5.1.4.1.1.12.2"),
        ("Breast Tomosynthesis Image Storage", "1.2.840.10008.5.1.4.1.1.13.1.3"),
        ("Nuclear Medicine Image Storage", "1.2.840.10008.5.1.4.1.1.20"),
        ("Raw Data Storage", "1.2.840.10008.5.1.4.1.1.66"),
        ("Spatial Registration Storage", "1.2.840.10008.5.1.4.1.1.66.1"),
        ("Segmentation Storage", "1.2.840.10008.5.1.4.1.1.66.4"),
        ("VL Endoscopic Image Storage", "1.2.840.10008.5.1.4.1.1.77.1.1"),
        ("VL Microscopic Image Storage", "1.2.840.10008.5.1.4.1.1.77.1.2"),
        ("VL Photographic Image Storage", "1.2.840.10008.5.1.4.1.1.77.1.4"),
        ("Ophthalmic Photography 8 Bit Image Storage", "1.2.840.10008.5.1.4.1.1.77.1.5.1"),
        ("VL Whole Slide Microscopy Image Storage", "1.2.840.10008.5.1.4.1.1.77.1.6"),
        ("Basic Text SR Storage", "1.2.840.10008.5.1.4.1.1.88.11"),
        ("Enhanced SR Storage", "1.2.840.10008.5.1.4.1.1.88.22"),
        ("Comprehensive SR Storage", "1.2.840.10008.5.1.4.1.1.88.33"),
        ("Comprehensive 3D SR Storage", "1.2.840.10008.5.1.4.1.1.88.34"),
        ("Mammography CAD SR Storage", "1.2.840.10008.5.1.4.1.1.88.50"),
        ("Key Object Selection Document Storage", "1.2.840.10008.5.1.4.1.1.88.59"),
        ("X-Ray Radiation Dose SR Storage", "1.2.840.10008.5.1.4.1.1.88.67"),
        ("Encapsulated PDF Storage", "1.2.840.10008.5.1.4.1.1.104.1"),
        ("Encapsulated CDA Storage", "1.2.840.10008.5.1.4.1.1.104.2"),
        ("Positron Emission Tomography Image Storage", "1.2.840.10008.5.1.4.1.1.128"),
        ("Legacy Converted Enhanced PET Image Storage", "1.2.840.10008.5.1.4.1.1.128.1"),
        ("Enhanced PET Image Storage", "1.2.840.10008.5.1.4.1.1.130"),
        ("RT Image Storage", "1.2.840.10008.5.1.4.1.1.481.1"),
        ("RT Dose Storage", "1.2.840.10008.5.1.4.1.1.481.2"),
        ("RT Structure Set Storage", "1.2.840.10008.5.1.4.1.1.481.3"),
        ("RT Beams Treatment Record Storage", "1.2.840.10008.5.1.4.1.1.481.4"),
        ("RT Plan Storage", "1.2.840.10008.5.1.4.1.1.481.5"),
        ("RT Ion Plan Storage", "1.2.840.10008.5.1.4.1.1.481.8"),
    ]

    /// The UIDs of `commonStorageClasses`.
    public static let commonStorage: [String] = commonStorageClasses.map(\.uid)
}
