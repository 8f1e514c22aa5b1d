import DoudiModel

/// The shipped bootstrap users (ServerConfig/users.json) and their initial passwords.
public enum Users {
    public static let officer = ("district.officer", "Dongxing-MZJ-change-me-1")
    public static let approver = ("beimu.approver", "Beimu-SP-change-me-2")
    public static let wuxing = ("wuxing.collector", "Wuxing-CJ-change-me-3")
    public static let tuanjie = ("tuanjie.collector", "Tuanjie-CJ-change-me-4")
    public static let auditor = ("district.auditor", "Dongxing-SJ-change-me-5")
}

public enum Org {
    public static let district = try! OrgCode("511011")
    public static let beimu = try! OrgCode("511011101")
    public static let wuxing = try! OrgCode("511011101201")
    public static let tuanjie = try! OrgCode("511011101202")
    public static let xinmin = try! OrgCode("511011102201") // in another town (高梁镇)
}
