"""The wording of the rules a transposed convolution's arguments obey, in one place.

The library's checks format these templates (``str.format`` with the named fields) when they
raise, and the website's explorer shows the same sentences, so a reader meets one wording of each
rule in the notebooks, the errors and the browser.
"""

BELOW_MINIMUM = "{name}={value} must be >= {minimum} in every dimension"

OUTPUT_PADDING_TOO_LARGE = (
    "output_padding={output_padding} must be smaller than either stride={stride} "
    "or dilation={dilation} in every dimension (0 <= output_padding < max(stride, dilation))"
)

EMPTY_TRANSPOSE_OUTPUT = (
    "padding={padding} crops more than the transposed convolution produces "
    "(in_size={in_size}, kernel_size={kernel_size}, stride={stride}, dilation={dilation}, "
    "output_padding={output_padding}): the output would be "
    "empty; padding must be at most (s(i-1) + d(k-1) + output_padding) / 2"
)
