/// The other words offices and households use for a value besides its official term (the
/// glossary's): what the household register, a ledger column or a cadre writes. One table per
/// kind, read by the CLI's options and by the ledger import alike.
extension Relation {
    /// 儿子, 女儿, 丈夫, 爷爷, 哥哥 … (GB/T 4761 names the relations; people write these).
    public static let otherNames: [String: Relation] = {
        var names: [String: Relation] = ["户主": .head, "本人": .head, "子女": .son]
        for n in ["丈夫", "妻子", "夫", "妻", "爱人", "老伴"] { names[n] = .spouse }
        for n in ["儿子", "长子", "次子", "三子", "四子", "养子", "继子"] { names[n] = .son }
        for n in ["女儿", "长女", "次女", "三女", "四女", "养女", "继女"] { names[n] = .daughter }
        for n in ["孙子", "孙女", "外孙", "外孙子", "外孙女", "曾孙", "曾孙女"] { names[n] = .grandchild }
        for n in ["父亲", "母亲", "父", "母", "继父", "继母", "养父", "养母"] { names[n] = .parent }
        for n in ["祖父", "祖母", "爷爷", "奶奶", "外公", "外婆", "外祖父", "外祖母"] { names[n] = .grandparent }
        for n in ["兄弟", "姐妹", "哥哥", "弟弟", "姐姐", "妹妹", "兄", "弟", "姐", "妹"] { names[n] = .sibling }
        for n in ["儿媳", "女婿", "侄子", "侄女", "外甥", "外甥女", "其他亲属", "非亲属"] { names[n] = .other }
        return names
    }()
}

extension LabourCapacity {
    /// 有, 无, 无劳动能力 …
    public static let otherNames: [String: LabourCapacity] = ["有": .full, "部分丧失": .partial, "完全丧失": .none, "无": .none, "无劳动能力": .none]
}

extension Employment {
    /// 失业, 无业.
    public static let otherNames: [String: Employment] = ["失业": .unemployed, "无业": .unemployed]
}
