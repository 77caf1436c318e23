fn main() {
    labshift::_x();
}
