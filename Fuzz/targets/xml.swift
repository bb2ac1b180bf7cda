// Fuzz target: the streaming XML parser (libxml2's SAX2 push interface behind XMLPushParser),
// fed in chunks whose size the first byte picks, with a delegate that reads every name,
// attribute and text run the way the XLSX handlers do. Small limits make the limit paths run.
import XMLStream

final class ReadingEverything: XMLPushParserDelegate {
    var total = 0
    func parser(_ parser: XMLPushParser, didStartElement name: XMLName, attributes: XMLAttributes) {
        total &+= name.localName.utf8.count &+ (name.namespaceURI?.utf8.count ?? 0)
        for index in 0..<attributes.count {
            total &+= attributes.localName(at: index).utf8.count &+ attributes.value(at: index).count
            _ = attributes.namespaceURI(at: index)
        }
        _ = attributes["r"]
        _ = attributes.value("id", namespaceSuffix: "/relationships")
        if name.hasLocalName("stop") { parser.stop("stopped by the delegate") }
    }
    func parser(_ parser: XMLPushParser, didEndElement name: XMLName) { total &+= 1 }
    func parser(_ parser: XMLPushParser, foundCharacters text: UnsafeBufferPointer<UInt8>) { total &+= text.count }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let chunkSize = Int(data[0]) + 1
    let delegate = ReadingEverything()
    let parser = XMLPushParser(delegate: delegate, limits: XMLReadLimits(maximumDepth: 32, maximumAttributeCount: 16,
                                                                         maximumTextLength: 4_096))
    let document = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    do {
        var offset = 0
        while offset < document.count {
            let end = min(offset + chunkSize, document.count)
            try parser.parse(UnsafeRawBufferPointer(rebasing: document[offset..<end]))
            offset = end
        }
        try parser.finish()
    } catch {}
    return 0
}
