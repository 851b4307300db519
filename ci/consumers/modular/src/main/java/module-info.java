/** Consumer test (c): sigbridge used from a named module. */
module io.sigbridge.consumer {
    requires io.sigbridge;
}
