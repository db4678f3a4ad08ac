import qrcode
import qrcode.image.svg


def qr_svg(data: str) -> bytes:
    """``data`` as a QR code in SVG (one path, black on white), drawn on the server."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10)
    return image.to_string()
