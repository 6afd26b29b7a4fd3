import DICOM

extension InstanceIndex {
    /// The computed Optional Keys of PS3.4 C.6.1.1.2-4 and C.6.2.1.2-3, gathered in one pass.
    struct Statistics {
        private struct Counts {
            var studies: Set<String> = []
            var series: Set<String> = []
            var instances = 0
            var modalities: [String] = []
            var sopClasses: [String] = []
        }

        private var patients: [String: Counts] = [:]
        private var studies: [String: Counts] = [:]
        private var series: [String: Counts] = [:]

        init(_ entries: [Entry]) {
            for entry in entries {
                let patientID = InstanceIndex.uniqueValue(of: entry, at: .patient)
                let studyUID = InstanceIndex.uniqueValue(of: entry, at: .study)
                let seriesUID = InstanceIndex.uniqueValue(of: entry, at: .series)
                let modalities = entry.attributes[QueryTag.modality]?.strings.filter { !$0.isEmpty } ?? []

                patients[patientID, default: Counts()].studies.insert(studyUID)
                patients[patientID, default: Counts()].series.insert(seriesUID)
                patients[patientID, default: Counts()].instances += 1

                var study = studies[studyUID, default: Counts()]
                study.series.insert(seriesUID)
                study.instances += 1
                for modality in modalities where !study.modalities.contains(modality) { study.modalities.append(modality) }
                if !entry.sopClassUID.isEmpty, !study.sopClasses.contains(entry.sopClassUID) { study.sopClasses.append(entry.sopClassUID) }
                studies[studyUID] = study

                series[seriesUID, default: Counts()].instances += 1
            }
        }

        /// Adds the computed attributes of `level` and the levels above it to `record`, replacing
        /// any stored value: what an instance says about its siblings may be stale.
        func addComputedAttributes(to record: inout DataSet, level: QueryRetrieveLevel) {
            if let counts = patients[InstanceIndex.text(QueryTag.patientID, in: record) ?? ""] {
                record.insert(DataElement.text(QueryTag.numberOfPatientRelatedStudies, .IS, [String(counts.studies.count)]))
                record.insert(DataElement.text(QueryTag.numberOfPatientRelatedSeries, .IS, [String(counts.series.count)]))
                record.insert(DataElement.text(QueryTag.numberOfPatientRelatedInstances, .IS, [String(counts.instances)]))
            }
            if level >= .study, let counts = studies[InstanceIndex.text(QueryTag.studyInstanceUID, in: record) ?? ""] {
                record.insert(DataElement.text(QueryTag.numberOfStudyRelatedSeries, .IS, [String(counts.series.count)]))
                record.insert(DataElement.text(QueryTag.numberOfStudyRelatedInstances, .IS, [String(counts.instances)]))
                if !counts.modalities.isEmpty {
                    record.insert(DataElement.text(QueryTag.modalitiesInStudy, .CS, counts.modalities))
                }
                if !counts.sopClasses.isEmpty {
                    record.insert(DataElement.text(QueryTag.sopClassesInStudy, .UI, counts.sopClasses))
                }
            }
            if level >= .series, let counts = series[InstanceIndex.text(QueryTag.seriesInstanceUID, in: record) ?? ""] {
                record.insert(DataElement.text(QueryTag.numberOfSeriesRelatedInstances, .IS, [String(counts.instances)]))
            }
        }
    }
}
