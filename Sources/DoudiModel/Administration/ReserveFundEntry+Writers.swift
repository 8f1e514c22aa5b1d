extension ReserveFundEntry.Kind {
    /// Who may write an entry of this kind (§3.6.5): the district allocates and replenishes
    /// a town's fund; the town draws on it, by paying emergency aid first (§3.6.4).
    public var writers: Set<Role> {
        switch self {
        case .allocation, .replenishment: [.districtOfficer]
        case .draw: [.townApprover]
        }
    }
}
