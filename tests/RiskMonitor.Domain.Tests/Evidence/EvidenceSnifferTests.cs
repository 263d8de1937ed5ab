using System.Text;
using RiskMonitor.Domain.Evidence;

namespace RiskMonitor.Domain.Tests.Evidence;

public sealed class EvidenceSnifferTests
{
    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10 }, EvidenceKind.Jpeg)]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0 }, EvidenceKind.Png)]
    [InlineData(new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D, 0x31, 0x2E, 0x37 }, EvidenceKind.Pdf)]
    public void A_file_is_known_by_its_first_bytes(byte[] content, EvidenceKind kind) =>
        Assert.Equal(kind, EvidenceSniffer.Sniff(content));

    [Theory]
    [InlineData("<html><script>alert(1)</script>")]
    [InlineData("MZ\u0090\0 an executable")]
    [InlineData("GIF89a")]
    [InlineData("")]
    [InlineData("\u0089PN")]
    public void Anything_else_is_refused_whatever_it_is_called(string content) =>
        Assert.Null(EvidenceSniffer.Sniff(Encoding.Latin1.GetBytes(content)));
}
